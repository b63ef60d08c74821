import { Type, type Static } from 'typebox';
import { AmberError } from '../../core/errors.js';
import { toIso } from '../../core/clock.js';
import { asPointId, objectKeys, type BlobId, type IndexId, type PackId } from '../../core/ids.js';
import { MAX_UPLOAD_BYTES } from '../../vault/upload-checks.js';
import type { EmbeddedVault } from '../../vault/embedded-vault.js';
import { partsOf, principalOf, type ApiRequest, type RouteDef } from '../route-def.js';
import type { ServerContext } from '../server-context.js';
import { actorName } from '../principal.js';
import { assertAgentVault, assertOwnItem, refuse } from '../agent-scope.js';
import { ItemName, Name, Strict, Text, VaultParams } from './schemas.js';

const Hex64 = Type.String({ pattern: '^[0-9a-f]{64}$' });
const Count = Type.Integer({ minimum: 0 });
const NewSession = Type.Object(
  {
    item: ItemName,
    retainDays: Type.Integer({ minimum: 0, maximum: 36500 }),
    tags: Type.Optional(Type.Array(Text(100), { maxItems: 50 })),
    hostname: Text(255),
  },
  Strict,
);
const Commit = Type.Object(
  {
    root: Hex64,
    indexIds: Type.Array(Hex64, { maxItems: 1_000_000 }),
    packIds: Type.Array(Hex64, { maxItems: 1_000_000 }),
    stats: Type.Object(
      {
        files: Count,
        dirs: Count,
        sizeBytes: Count,
        addedBytes: Count,
        addedStoredBytes: Count,
        blobs: Count,
        newBlobs: Count,
        filesFromCache: Count,
      },
      Strict,
    ),
    warnings: Count,
    paths: Type.Array(Type.String({ maxLength: 4096 }), { maxItems: 100 }),
    /** The server assigns the point's time; a client that states another one is refused. */
    createdAt: Type.Optional(Type.Integer()),
  },
  Strict,
);
const SessionParams = Type.Object({ vault: Name, session: Type.String({ pattern: '^bks_[0-9a-f]{24}$' }) }, Strict);
const ObjectParams = Type.Object({ vault: Name, '*': Type.String({ minLength: 1, maxLength: 512 }) }, Strict);
/** How far a stated time may differ from the session's before it counts as forged. */
const CLIENT_TIME_TOLERANCE_MS = 5 * 60_000;

type SessionParamsT = { vault: string; session: string };
type ObjectParamsT = { vault: string; '*': string };

/**
 * The data plane: clients (agents, the CLI) archive on their own hosts and upload packs and index
 * segments into a backup session; the server checks every id against the bytes, refuses anything
 * else, stores with the locks it decided, and commits the point with its own time. Reads let clients
 * deduplicate (index) and restore (packs, manifests) — agents only what their own points need.
 */
export function dataRoutes(ctx: ServerContext): RouteDef[] {
  const pointObjects = new Map<string, Promise<{ item: string; keys: Set<string> }>>();
  const objectsOf = (vault: EmbeddedVault, vaultName: string, pointId: string) => {
    const key = `${vaultName}/${pointId}`;
    let entry = pointObjects.get(key);
    if (entry === undefined) {
      entry = vault.pointObjects(asPointId(pointId));
      pointObjects.set(key, entry);
      entry.catch(() => pointObjects.delete(key));
    }
    return entry;
  };

  /** Agents read the vault-wide objects, the index, and what the points of their own items need. */
  const assertReadable = async (request: ApiRequest, vaultName: string, key: string): Promise<void> => {
    const principal = principalOf(request);
    await assertAgentVault(ctx, request, 'data.read', vaultName);
    if (principal.kind !== 'agent') return;
    if (key === objectKeys.header || key.startsWith('keys/') || key.startsWith('index/')) return;
    const vault = await ctx.vaults.get(vaultName);
    const own = new Set((await ctx.catalog.itemsOfAgent(principal.name)).map((i) => i.item));
    for (const point of await vault.listPoints()) {
      if (!own.has(point.item)) continue;
      if ((await objectsOf(vault, vaultName, point.id)).keys.has(key)) return;
    }
    throw await refuse(
      ctx,
      request,
      'data.read',
      `Agent ${principal.name} may not read ${key}: no point of its own items needs it.`,
    );
  };

  return [
    {
      method: 'POST',
      url: '/api/v1/vaults/:vault/backups',
      permission: 'data.upload',
      action: 'backup.start',
      summary: 'Start a backup session (the server fixes its time, retention and locks)',
      tags: ['data'],
      schema: { params: VaultParams, body: NewSession },
      handler: async (request, reply) => {
        const { params, body } = partsOf<{ vault: string }, unknown, Static<typeof NewSession>>(request);
        await assertAgentVault(ctx, request, 'backup.start', params.vault);
        await assertOwnItem(ctx, request, 'backup.start', params.vault, body.item);
        const vault = await ctx.vaults.get(params.vault);
        const session = await vault.beginBackup(body);
        ctx.sessions.add(params.vault, actorName(principalOf(request)), session);
        void reply.status(201);
        return {
          sessionId: session.id,
          createdAt: session.createdAt,
          retainUntil: session.retention.retainUntil,
          lock: session.putOptions?.lock ?? null,
        };
      },
    },
    {
      method: 'PUT',
      url: '/api/v1/vaults/:vault/backups/:session/objects/*',
      permission: 'data.upload',
      action: 'data.upload',
      summary: 'Upload a pack or an index segment into a backup session',
      tags: ['data'],
      bodyLimit: MAX_UPLOAD_BYTES + 1024,
      schema: { params: Type.Object({ ...SessionParams.properties, '*': Type.String({ maxLength: 512 }) }, Strict) },
      handler: async (request) => {
        const params = request.params as SessionParamsT & { '*': string };
        const session = ctx.sessions.get(params.vault, params.session, actorName(principalOf(request)));
        const body = request.body;
        if (!Buffer.isBuffer(body)) {
          throw new AmberError('UPLOAD_REJECTED', 'Upload the object as application/octet-stream.');
        }
        const vault = await ctx.vaults.get(params.vault);
        try {
          const result = await vault.putUploaded(session, params['*'], body);
          ctx.metrics.add('uploaded_bytes', result === 'stored' ? body.length : 0);
          return { key: params['*'], result };
        } catch (error) {
          if (error instanceof AmberError && error.code === 'UPLOAD_REJECTED')
            await ctx.recordRefusal(request, 'data.upload', error);
          throw error;
        }
      },
    },
    {
      method: 'POST',
      url: '/api/v1/vaults/:vault/backups/:session/commit',
      permission: 'data.upload',
      action: 'point.commit',
      summary: 'Commit a backup session as a recovery point',
      tags: ['data'],
      bodyLimit: 128 * 1024 * 1024,
      schema: { params: SessionParams, body: Commit },
      handler: async (request) => {
        const { params, body } = partsOf<SessionParamsT, unknown, Static<typeof Commit>>(request);
        const owner = actorName(principalOf(request));
        const session = ctx.sessions.get(params.vault, params.session, owner);
        if (body.createdAt !== undefined && Math.abs(body.createdAt - session.createdAt) > CLIENT_TIME_TOLERANCE_MS) {
          const error = new AmberError(
            'CLIENT_TIME_REJECTED',
            `The commit states the point was created at ${toIso(body.createdAt)}, but the server started this backup at ${toIso(session.createdAt)}; points carry the server's time only.`,
            { details: { stated: toIso(body.createdAt), server: toIso(session.createdAt) } },
          );
          await ctx.recordRefusal(request, 'point.commit', error);
          throw error;
        }
        ctx.sessions.remove(session.id);
        const point = await (
          await ctx.vaults.get(params.vault)
        ).commitBackup(session, {
          root: body.root as BlobId,
          indexIds: body.indexIds as IndexId[],
          packIds: body.packIds as PackId[],
          stats: body.stats,
          warnings: body.warnings,
          paths: body.paths,
        });
        ctx.metrics.add('points_committed');
        return { point };
      },
    },
    {
      method: 'DELETE',
      url: '/api/v1/vaults/:vault/backups/:session',
      permission: 'data.upload',
      summary: 'Abandon a backup session (its uploads are collected by maintenance)',
      tags: ['data'],
      schema: { params: SessionParams },
      handler: async (request) => {
        const { params } = partsOf<SessionParamsT>(request);
        const session = ctx.sessions.get(params.vault, params.session, actorName(principalOf(request)));
        ctx.sessions.remove(session.id);
        await session.release();
        return { abandoned: session.id };
      },
    },
    {
      method: 'GET',
      url: '/api/v1/vaults/:vault/objects',
      permission: 'data.read',
      summary: 'List stored objects under a prefix (agents: index/ and keys/)',
      tags: ['data'],
      schema: {
        params: VaultParams,
        querystring: Type.Object({ prefix: Type.String({ maxLength: 512 }) }, Strict),
      },
      handler: async (request) => {
        const { params, query } = partsOf<{ vault: string }, { prefix: string }>(request);
        await assertAgentVault(ctx, request, 'data.read', params.vault);
        const principal = principalOf(request);
        if (principal.kind === 'agent' && !['index/', 'keys/'].includes(query.prefix)) {
          throw await refuse(
            ctx,
            request,
            'data.read',
            `Agents may list only index/ and keys/, not ${query.prefix || 'everything'}.`,
          );
        }
        const listed: { key: string; size: number }[] = [];
        for await (const object of (await ctx.vaults.get(params.vault)).objects.list(query.prefix)) {
          listed.push({ key: object.key, size: object.size });
        }
        return listed;
      },
    },
    {
      method: 'HEAD',
      url: '/api/v1/vaults/:vault/objects/*',
      permission: 'data.read',
      summary: 'Size of a stored object',
      tags: ['data'],
      schema: { params: ObjectParams },
      handler: async (request, reply) => {
        const params = request.params as ObjectParamsT;
        await assertReadable(request, params.vault, params['*']);
        const info = await (await ctx.vaults.get(params.vault)).objects.stat(params['*']);
        void reply.header('content-length', info.size).header('x-amber-size', info.size);
        return reply.send();
      },
    },
    {
      method: 'GET',
      url: '/api/v1/vaults/:vault/objects/*',
      permission: 'data.read',
      summary: 'Read a stored object, or a byte range of it (Range: bytes=a-b)',
      tags: ['data'],
      schema: { params: ObjectParams },
      handler: async (request, reply) => {
        const params = request.params as ObjectParamsT;
        const key = params['*'];
        await assertReadable(request, params.vault, key);
        const vault = await ctx.vaults.get(params.vault);
        const range = parseRange(request.headers.range);
        void reply.type('application/octet-stream');
        if (range === undefined) return vault.objects.get(key);
        void reply.status(206);
        return vault.objects.getRange(key, range.offset, range.length);
      },
    },
  ];
}

function parseRange(header: string | undefined): { offset: number; length: number } | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d+)-(\d+)$/.exec(header);
  if (match === null) throw new AmberError('USAGE', `The Range header "${header}" is not of the form bytes=START-END.`);
  const offset = Number(match[1]);
  const end = Number(match[2]);
  if (end < offset) throw new AmberError('USAGE', `The Range header "${header}" ends before it starts.`);
  return { offset, length: end - offset + 1 };
}
