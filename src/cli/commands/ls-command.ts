import type { Command } from 'commander';
import { withVault, type CliContext } from '../cli-context.js';
import { formatInstant, printJson } from '../format-output.js';
import type { ListedNode } from '../../vault/vault-service.js';

export function registerLs(program: Command, ctx: CliContext): void {
  program
    .command('ls')
    .description('list the files of a recovery point')
    .argument('<point>', "a point id, a unique prefix of one, or 'latest'")
    .argument('[path]', 'only this path and what is below it', '/')
    .option('--vault <dir>', 'the vault (default: $AMBER_VAULT)')
    .option('-l, --long', 'show type, mode, size and modification time')
    .option('--json', 'print the nodes as JSON')
    .action(
      async (
        ref: string,
        inside: string,
        options: { vault?: string; long?: boolean; json?: boolean },
        command: Command,
      ) => {
        const nodes = await withVault(ctx, command, options, (vault) => vault.listFiles(ref, inside));
        if (options.json === true) {
          printJson(nodes.map(nodeJson));
          return;
        }
        const lines = nodes.map((n) => (options.long === true ? longLine(n) : n.path));
        process.stdout.write(lines.join('\n') + (lines.length > 0 ? '\n' : ''));
      },
    );
}

function nodeJson({ path, node }: ListedNode): Record<string, unknown> {
  const base = { path, type: node.type, mode: node.mode, uid: node.uid, gid: node.gid, mtimeNs: node.mtimeNs };
  if (node.type === 'file') return { ...base, size: node.size };
  if (node.type === 'symlink') return { ...base, target: node.target };
  return base;
}

function longLine({ path, node }: ListedNode): string {
  const letter = { file: '-', dir: 'd', symlink: 'l', fifo: 'p' }[node.type];
  const size = node.type === 'file' ? node.size : 0;
  const mtime = formatInstant(Number(BigInt(node.mtimeNs) / 1_000_000n));
  const target = node.type === 'symlink' ? ` -> ${node.target}` : '';
  return `${letter}${modeString(node.mode)} ${String(node.uid).padStart(5)} ${String(node.gid).padStart(5)} ${String(size).padStart(12)} ${mtime} ${path}${target}`;
}

function modeString(mode: number): string {
  const bits = 'rwxrwxrwx';
  let out = '';
  for (let i = 0; i < 9; i++) out += mode & (1 << (8 - i)) ? bits[i] : '-';
  return out;
}
