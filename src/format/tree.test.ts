import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { isAmberError } from '../core/errors.js';
import { asBlobId } from '../core/ids.js';
import { assertRejects } from './testing/assert-rejects.js';
import { compareUtf8, decodeTree, encodeTree, type TreeNode } from './tree.js';

const blob = (): ReturnType<typeof asBlobId> => asBlobId(randomBytes(32).toString('hex'));
const common = { mode: 0o100644, uid: 1000, gid: 1000, mtimeNs: '1700000000123456789' };
const NAME = 'tree 00ff';

const nodes: TreeNode[] = [
  { ...common, name: 'b.txt', type: 'file', size: 12, content: [blob(), blob()], user: 'alice', group: 'staff' },
  { ...common, name: 'a', type: 'dir', mode: 0o40755, subtree: blob() },
  { ...common, name: 'link', type: 'symlink', target: '../b.txt' },
  { ...common, name: 'pipe', type: 'fifo' },
  { ...common, name: 'hard', type: 'file', size: 0, content: [], hardlinkKey: '2049:123456' },
  { ...common, name: 'old', type: 'file', size: 1, content: [blob()], mtimeNs: '-1000' },
];

/** Encodes arbitrary JSON as a tree blob would be. */
const raw = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

describe('trees', () => {
  it('round-trips every node type, sorted by name', () => {
    const decoded = decodeTree(encodeTree(nodes), NAME);
    assert.deepEqual(
      decoded.map((node) => node.name),
      ['a', 'b.txt', 'hard', 'link', 'old', 'pipe'],
    );
    assert.deepEqual(
      decoded,
      [...nodes].sort((x, y) => compareUtf8(x.name, y.name)),
    );
  });

  it('encodes the same directory to the same bytes whatever the input order or key order', () => {
    const reordered = [...nodes]
      .reverse()
      .map((node) => Object.fromEntries(Object.entries(node).reverse()) as TreeNode);
    assert.deepEqual(encodeTree(reordered), encodeTree(nodes));
  });

  it('sorts names by UTF-8 bytes, not UTF-16 units', () => {
    const names = ['\u{1F600}', '\uFFFD', 'z', 'Z', 'é'];
    const tree = encodeTree(names.map((name) => ({ ...common, name, type: 'fifo' as const })));
    const order = decodeTree(tree, NAME).map((node) => node.name);
    const byBytes = [...names].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    assert.deepEqual(order, byBytes);
  });

  it('rejects names that could escape or confuse a restore', () => {
    for (const name of ['', '.', '..', 'a/b', 'nul\0byte']) {
      const value = { version: 1, nodes: [{ ...common, name, type: 'fifo' }] };
      assertRejects(() => decodeTree(raw(value), NAME), NAME);
      assert.throws(
        () => encodeTree([{ ...common, name, type: 'fifo' }]),
        (e) => isAmberError(e, 'INVALID_ARGUMENT'),
      );
    }
  });

  it('rejects malformed fields, unknown fields, duplicates and disorder', () => {
    const fifo = { ...common, name: 'p', type: 'fifo' };
    const file = { ...common, name: 'f', type: 'file', size: 1, content: [blob()] };
    for (const value of [
      { version: 1, nodes: [{ ...fifo, mode: -1 }] },
      { version: 1, nodes: [{ ...fifo, uid: 1.5 }] },
      { version: 1, nodes: [{ ...fifo, mtimeNs: 12 }] },
      { version: 1, nodes: [{ ...fifo, mtimeNs: '1e9' }] },
      { version: 1, nodes: [{ ...fifo, type: 'socket' }] },
      { version: 1, nodes: [{ ...fifo, color: 'red' }] },
      { version: 1, nodes: [{ ...file, content: ['abc'] }] },
      { version: 1, nodes: [{ ...file, size: -1 }] },
      { version: 1, nodes: [{ ...common, name: 'd', type: 'dir' }] },
      { version: 1, nodes: [{ ...common, name: 's', type: 'symlink', target: 5 }] },
      { version: 1, nodes: [fifo, fifo] },
      {
        version: 1,
        nodes: [
          { ...fifo, name: 'z' },
          { ...fifo, name: 'a' },
        ],
      },
      { version: 1, nodes: {} },
      { nodes: [] },
      [],
    ]) {
      assertRejects(() => decodeTree(raw(value), NAME), NAME);
    }
    assertRejects(() => decodeTree(Buffer.from('{"version":1,"nodes":['), NAME), NAME);
    assertRejects(() => decodeTree(Buffer.from([0x7b, 0xff, 0x7d]), NAME), NAME);
  });

  it('reports a newer tree version as unsupported', () => {
    assertRejects(() => decodeTree(raw({ version: 2, nodes: [] }), NAME), NAME, 'FORMAT_UNSUPPORTED');
  });

  it('refuses to encode two nodes with the same name', () => {
    const twice: TreeNode[] = [
      { ...common, name: 'x', type: 'fifo' },
      { ...common, name: 'x', type: 'fifo' },
    ];
    assert.throws(
      () => encodeTree(twice),
      (error) => isAmberError(error, 'INVALID_ARGUMENT'),
    );
  });
});
