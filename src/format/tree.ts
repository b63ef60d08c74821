import { asBlobId, type BlobId } from '../core/ids.js';
import { corruptObject, invalidValue, unsupportedFormat } from './format-errors.js';
import {
  asRecord,
  isHex64,
  onlyKeys,
  parseJson,
  readInteger,
  readOptionalString,
  readString,
  type Fail,
  type JsonRecord,
} from './json-fields.js';

interface NodeCommon {
  readonly name: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** Modification time in nanoseconds since the epoch, as a decimal bigint. */
  readonly mtimeNs: string;
  readonly user?: string;
  readonly group?: string;
}
export interface FileNode extends NodeCommon {
  readonly type: 'file';
  readonly size: number;
  readonly content: readonly BlobId[];
  /** `${dev}:${ino}` when nlink > 1. */
  readonly hardlinkKey?: string;
}
export interface DirNode extends NodeCommon {
  readonly type: 'dir';
  readonly subtree: BlobId;
}
export interface SymlinkNode extends NodeCommon {
  readonly type: 'symlink';
  readonly target: string;
}
export interface FifoNode extends NodeCommon {
  readonly type: 'fifo';
}
export type TreeNode = FileNode | DirNode | SymlinkNode | FifoNode;

const TREE_VERSION = 1;
const MAX_U32 = 0xffffffff;
const MTIME_NS = /^-?(0|[1-9][0-9]*)$/;
const COMMON_KEYS = ['name', 'type', 'mode', 'uid', 'gid', 'user', 'group', 'mtimeNs'] as const;
const KEYS_BY_TYPE: Readonly<Record<TreeNode['type'], readonly string[]>> = {
  file: [...COMMON_KEYS, 'size', 'content', 'hardlinkKey'],
  dir: [...COMMON_KEYS, 'subtree'],
  symlink: [...COMMON_KEYS, 'target'],
  fifo: COMMON_KEYS,
};

/** Orders strings by their UTF-8 bytes (= code points), not by UTF-16 units as `<` does. */
export function compareUtf8(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codeUnitRank(x) - codeUnitRank(y);
  }
  return a.length - b.length;
}

/** Surrogates (U+D800–DFFF) encode code points above U+FFFF: rank them after U+E000–FFFF. */
function codeUnitRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit < 0xe000 ? unit + 0x2000 : unit - 0x800;
}

/**
 * A directory as a canonical blob: `{"version":1,"nodes":[...]}`, nodes sorted by name in byte
 * order, keys in a fixed order, optional keys omitted when absent. The same directory always
 * encodes to the same bytes, so an unchanged directory deduplicates.
 */
export function encodeTree(nodes: readonly TreeNode[]): Buffer {
  const fail: Fail = (why) => {
    throw invalidValue('a tree', why);
  };
  const sorted = [...nodes].sort((a, b) => compareUtf8(a.name, b.name));
  const canonical = sorted.map((node, i) => {
    // Checked in place (the same rules as decoding, without building a copy of every node).
    checkNode(node as unknown as JsonRecord, fail);
    const previous = sorted[i - 1];
    if (previous !== undefined && previous.name === node.name) fail(`the name "${node.name}" appears twice`);
    return canonicalNode(node);
  });
  return Buffer.from(JSON.stringify({ version: TREE_VERSION, nodes: canonical }), 'utf8');
}

/** Decodes and validates every field of a tree blob; `name` names the blob in errors. */
export function decodeTree(bytes: Uint8Array, name: string): TreeNode[] {
  const fail: Fail = (why) => {
    throw corruptObject(name, why);
  };
  const record = asRecord(parseJson(bytes, fail), 'the tree', fail);
  if (record['version'] !== TREE_VERSION) {
    if (typeof record['version'] !== 'number') fail('it has no tree version');
    throw unsupportedFormat(name, `tree version ${String(record['version'])}`);
  }
  onlyKeys(record, ['version', 'nodes'], 'the tree', fail);
  const rawNodes = record['nodes'];
  if (!Array.isArray(rawNodes)) return fail('field "nodes" is not a list');
  const nodes: TreeNode[] = [];
  for (const rawNode of rawNodes) {
    const node = readNode(asRecord(rawNode, 'a node', fail), fail);
    const previous = nodes.at(-1);
    if (previous !== undefined && compareUtf8(previous.name, node.name) >= 0) {
      fail(`node "${node.name}" is out of order or repeated`);
    }
    nodes.push(node);
  }
  return nodes;
}

function nameProblem(name: string): string | undefined {
  if (name === '' || name === '.' || name === '..') return `"${name}" is not a file name`;
  if (name.includes('/') || name.includes('\0')) return `the name ${JSON.stringify(name)} holds "/" or NUL`;
  return undefined;
}

/** Every rule a node must meet, checked without copying it. */
function checkNode(record: JsonRecord, fail: Fail): void {
  const type = readString(record, 'type', fail);
  if (!Object.hasOwn(KEYS_BY_TYPE, type)) return fail(`node type "${type}" is unknown`);
  onlyKeys(record, KEYS_BY_TYPE[type as TreeNode['type']], `a ${type} node`, fail);
  const name = readString(record, 'name', fail);
  const problem = nameProblem(name);
  if (problem !== undefined) fail(problem);
  const mtimeNs = readString(record, 'mtimeNs', fail);
  if (!MTIME_NS.test(mtimeNs)) fail(`node "${name}" has an mtimeNs that is not a decimal integer`);
  readOptionalString(record, 'user', fail);
  readOptionalString(record, 'group', fail);
  readInteger(record, 'mode', fail, 0, MAX_U32);
  readInteger(record, 'uid', fail, 0, MAX_U32);
  readInteger(record, 'gid', fail, 0, MAX_U32);
  switch (type) {
    case 'file': {
      const content = record['content'];
      if (!Array.isArray(content) || !content.every(isHex64)) {
        fail(`file "${name}" has a content list that is not blob ids`);
      }
      readOptionalString(record, 'hardlinkKey', fail);
      readInteger(record, 'size', fail);
      return;
    }
    case 'dir':
      if (!isHex64(record['subtree'])) fail(`directory "${name}" has no valid subtree id`);
      return;
    case 'symlink':
      if (readString(record, 'target', fail).includes('\0')) fail(`symlink "${name}" has a target holding NUL`);
      return;
  }
}

/** A checked node, copied with only its known fields. */
function readNode(record: JsonRecord, fail: Fail): TreeNode {
  checkNode(record, fail);
  const user = record['user'] as string | undefined;
  const group = record['group'] as string | undefined;
  const common = {
    name: record['name'] as string,
    mode: record['mode'] as number,
    uid: record['uid'] as number,
    gid: record['gid'] as number,
    mtimeNs: record['mtimeNs'] as string,
    ...(user === undefined ? {} : { user }),
    ...(group === undefined ? {} : { group }),
  };
  switch (record['type'] as TreeNode['type']) {
    case 'file': {
      const hardlinkKey = record['hardlinkKey'] as string | undefined;
      return {
        ...common,
        type: 'file',
        size: record['size'] as number,
        content: (record['content'] as string[]).map(asBlobId),
        ...(hardlinkKey === undefined ? {} : { hardlinkKey }),
      };
    }
    case 'dir':
      return { ...common, type: 'dir', subtree: asBlobId(record['subtree'] as string) };
    case 'symlink':
      return { ...common, type: 'symlink', target: record['target'] as string };
    case 'fifo':
      return { ...common, type: 'fifo' };
  }
}

/** A plain object whose key order is the canonical one (JSON.stringify keeps insertion order). */
function canonicalNode(node: TreeNode): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: node.name,
    type: node.type,
    mode: node.mode,
    uid: node.uid,
    gid: node.gid,
  };
  if (node.user !== undefined) out['user'] = node.user;
  if (node.group !== undefined) out['group'] = node.group;
  out['mtimeNs'] = node.mtimeNs;
  switch (node.type) {
    case 'file':
      out['size'] = node.size;
      out['content'] = node.content;
      if (node.hardlinkKey !== undefined) out['hardlinkKey'] = node.hardlinkKey;
      break;
    case 'dir':
      out['subtree'] = node.subtree;
      break;
    case 'symlink':
      out['target'] = node.target;
      break;
    case 'fifo':
      break;
  }
  return out;
}
