import { Command, CommanderError } from 'commander';
import { systemClock } from '../core/clock.js';
import { AmberError, isAmberError } from '../core/errors.js';
import type { CliContext } from './cli-context.js';
import { registerBackup } from './commands/backup-command.js';
import { registerCatalog } from './commands/catalog-command.js';
import { registerDoctor } from './commands/doctor-command.js';
import { registerInit } from './commands/init-command.js';
import { registerLs } from './commands/ls-command.js';
import { registerPoints } from './commands/points-command.js';
import { registerRestore } from './commands/restore-command.js';
import { registerVerify } from './commands/verify-command.js';
import { registerVault } from './commands/vault-command.js';
import { registerPolicy } from './commands/policy-command.js';
import { registerItem } from './commands/item-command.js';
import { registerHold } from './commands/hold-command.js';
import { registerMaintenance } from './commands/maintenance-command.js';
import { registerAudit } from './commands/audit-command.js';
import { registerKey } from './commands/key-command.js';
import { registerServer } from './commands/server-command.js';
import { registerLogin } from './commands/login-command.js';
import { registerUser } from './commands/user-command.js';
import { registerToken } from './commands/token-command.js';
import { registerJobs } from './commands/jobs-command.js';
import { registerApproval } from './commands/approval-command.js';
import { registerClock } from './commands/clock-command.js';
import { registerAgent } from './commands/agent-command.js';
import { readEnvironment } from './environment.js';
import { EXIT, exitCodeOf } from './exit-codes.js';

/** Runs the `amber` CLI; returns the exit code. The one error boundary of the CLI. */
export async function main(argv: readonly string[]): Promise<number> {
  const ctx: CliContext = { env: readEnvironment(), clock: systemClock, exitCode: EXIT.ok };
  const program = new Command('amber')
    .description('Amber: backups into immutable vaults')
    .version('0.1.0')
    .option('--password-file <file>', 'read the vault passphrase from this file')
    .option('--server <url>', 'talk to this Amber server instead of a local vault (or set AMBER_SERVER)')
    .option('--token <token>', 'the API token for --server (better: AMBER_TOKEN, or amber login)')
    .option('--as-of <time>', 'read an S3 vault as it was at this ISO time (read-only; recovery after an attack)')
    .option('--debug', 'show stack traces of errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of [
    registerInit,
    registerBackup,
    registerPoints,
    registerLs,
    registerRestore,
    registerVerify,
    registerDoctor,
    registerCatalog,
    registerVault,
    registerPolicy,
    registerItem,
    registerHold,
    registerMaintenance,
    registerAudit,
    registerKey,
    registerServer,
    registerLogin,
    registerUser,
    registerToken,
    registerJobs,
    registerApproval,
    registerClock,
    registerAgent,
  ]) {
    register(program, ctx);
  }
  const overrideAll = (command: Command): void => {
    command.exitOverride();
    command.commands.forEach(overrideAll);
  };
  overrideAll(program);
  try {
    await program.parseAsync(argv);
    return ctx.exitCode;
  } catch (error) {
    return reportError(error, argv.includes('--debug'));
  }
}

function reportError(error: unknown, debug: boolean): number {
  if (error instanceof CommanderError) {
    // commander has already printed its message (or the help / version text)
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (isAmberError(error)) {
    process.stderr.write(`amber: ${error.message} [${error.code}]\n`);
  } else {
    const wrapped = new AmberError('INTERNAL', `unexpected error: ${(error as Error).message}`);
    process.stderr.write(`amber: ${wrapped.message} [${wrapped.code}] (run with --debug for details)\n`);
  }
  if (debug && error instanceof Error) process.stderr.write(`${error.stack ?? ''}\n`);
  return exitCodeOf(error);
}
