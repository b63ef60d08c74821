import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { AmberError } from '../../core/errors.js';
import type { CliContext } from '../cli-context.js';
import { parseDuration } from './parse-options.js';

interface ServerOptions {
  data?: string;
  listen?: string;
  config?: string;
  tlsCert?: string;
  tlsKey?: string;
  logLevel?: string;
}

/** The keys a --config JSON file may hold (command-line options win over it). */
interface ServerConfigFile {
  data?: string;
  listen?: string;
  tls?: { cert: string; key: string };
  logLevel?: string;
  minCoolingOff?: string;
  clockTolerance?: string;
  clockSampleEvery?: string;
  schedulerEvery?: string;
  housekeepingEvery?: string;
}

const CONFIG_KEYS = [
  'data',
  'listen',
  'tls',
  'logLevel',
  'minCoolingOff',
  'clockTolerance',
  'clockSampleEvery',
  'schedulerEvery',
  'housekeepingEvery',
];

export function registerServer(program: Command, ctx: CliContext): void {
  program
    .command('server')
    .description('run the vault server: REST API under /api/v1, OpenAPI at /api/docs, /metrics, /healthz')
    .option('--data <dir>', 'the data directory (catalog, vaults, secrets); default ./amber-data')
    .option('--listen <host:port>', 'address to listen on', undefined)
    .option('--config <file>', 'a JSON configuration file')
    .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM)')
    .option('--tls-key <file>', 'and this private key (PEM)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug or trace')
    .action(async (options: ServerOptions) => {
      const config = options.config === undefined ? {} : await readConfig(options.config);
      const { host, port } = parseListen(options.listen ?? config.listen ?? '127.0.0.1:8420');
      const cert = options.tlsCert ?? config.tls?.cert;
      const key = options.tlsKey ?? config.tls?.key;
      if ((cert === undefined) !== (key === undefined)) {
        throw new AmberError('USAGE', 'HTTPS needs both --tls-cert and --tls-key.');
      }
      const minCoolingOff = ctx.env.minCoolingOff ?? config.minCoolingOff;
      // Loaded only here: the HTTP stack costs start-up time every other command does not need.
      const { startServer } = await import('../../server/start-server.js');
      const server = await startServer({
        dataDir: path.resolve(options.data ?? config.data ?? 'amber-data'),
        host,
        port,
        clock: ctx.clock,
        logLevel: options.logLevel ?? config.logLevel ?? 'info',
        ...(cert === undefined || key === undefined
          ? {}
          : { https: { cert: await readFile(cert), key: await readFile(key) } }),
        ...(minCoolingOff === undefined ? {} : { minCoolingOffMs: parseDuration(minCoolingOff, 'minCoolingOff') }),
        ...(config.clockTolerance === undefined
          ? {}
          : { clockToleranceMs: parseDuration(config.clockTolerance, 'clockTolerance') }),
        ...(config.clockSampleEvery === undefined
          ? {}
          : { clockSampleEveryMs: parseDuration(config.clockSampleEvery, 'clockSampleEvery') }),
        ...(config.schedulerEvery === undefined
          ? {}
          : { schedulerEveryMs: parseDuration(config.schedulerEvery, 'schedulerEvery') }),
        ...(config.housekeepingEvery === undefined
          ? {}
          : { housekeepingEveryMs: parseDuration(config.housekeepingEvery, 'housekeepingEvery') }),
      });
      if (server.bootstrap !== undefined) {
        process.stderr.write(
          `amber: first start — created the vault "default" and the user "admin".\n` +
            `amber: admin token (shown once; also in ${server.bootstrap.tokenFile}, valid until ${server.bootstrap.expiresAt}):\n` +
            `${server.bootstrap.adminToken}\n` +
            `amber: sign in with: AMBER_TOKEN=<token> amber user passwd   (then: amber login --server ${server.url} --user admin)\n`,
        );
      }
      process.stderr.write(`amber: server listening on ${server.url} (API docs: ${server.url}/api/docs)\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      process.stderr.write('amber: server stopping\n');
      await server.close();
    });
}

async function readConfig(file: string): Promise<ServerConfigFile> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new AmberError(
      'USAGE',
      `The configuration file ${file} cannot be read as JSON: ${(error as Error).message}.`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AmberError('USAGE', `The configuration file ${file} must hold a JSON object.`);
  }
  const unknown = Object.keys(parsed).filter((k) => !CONFIG_KEYS.includes(k));
  if (unknown.length > 0) {
    throw new AmberError('USAGE', `The configuration file ${file} has unknown keys: ${unknown.join(', ')}.`);
  }
  return parsed;
}

function parseListen(text: string): { host: string; port: number } {
  const match = /^(.+):(\d{1,5})$/.exec(text);
  const port = Number(match?.[2]);
  if (match === null || port > 65535) {
    throw new AmberError('USAGE', `--listen takes HOST:PORT, e.g. 127.0.0.1:8420 (not "${text}").`);
  }
  return { host: (match[1] as string).replace(/^\[(.*)\]$/, '$1'), port };
}
