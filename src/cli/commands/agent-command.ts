import os from 'node:os';
import type { Command } from 'commander';
import { toIso } from '../../core/clock.js';
import { AmberError } from '../../core/errors.js';
import { ApiClient } from '../../client/api-client.js';
import { runAgent } from '../../client/agent-runner.js';
import type { AgentRegistration } from '../../client/api-views.js';
import {
  agentConfigPath,
  agentNameFromHostname,
  assertNoAgentConfig,
  readAgentConfig,
  writeAgentConfig,
} from '../agent-config.js';
import type { CliContext } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';
import { formatInstantCell, formatTable, printJson } from '../format-output.js';
import { serverApi, serverUrlOf } from '../server-connection.js';
import { parseDuration } from './parse-options.js';

interface AgentView {
  readonly name: string;
  readonly vault: string;
  readonly hostname: string;
  readonly createdAt: number;
  readonly lastSeenAt: number | null;
  readonly items?: readonly string[];
}

export function registerAgent(program: Command, ctx: CliContext): void {
  const agent = program.command('agent').description('agents: the processes on protected hosts that back them up');
  registerEnroll(agent, ctx);
  registerRegister(agent, ctx);
  registerRun(agent, ctx);
  agent
    .command('list')
    .description('list registered agents with their items and when they were last seen')
    .option('--json', 'print the agents as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const agents = await (await serverApi(ctx, command)).request<AgentView[]>('GET', '/api/v1/agents');
      if (options.json === true) {
        printJson(
          agents.map((a) => ({
            ...a,
            createdAt: toIso(a.createdAt),
            lastSeenAt: a.lastSeenAt === null ? null : toIso(a.lastSeenAt),
          })),
        );
        return;
      }
      const rows = agents.map((a) => [
        a.name,
        a.vault,
        a.hostname,
        (a.items ?? []).join(' ') || '-',
        formatInstantCell(a.lastSeenAt),
      ]);
      process.stdout.write(formatTable(['Agent', 'Vault', 'Host', 'Items', 'Last seen (UTC)'], rows) + '\n');
    });
}

function registerEnroll(agent: Command, ctx: CliContext): void {
  agent
    .command('enroll')
    .description('create a one-time enrollment token for a new agent of a vault (admin)')
    .option('--vault <name>', 'the vault the agent will back up into', 'default')
    .option('--ttl <duration>', 'how long the token may be used, e.g. 24h', '24h')
    .option('--json', 'print the result as JSON')
    .action(async (options: { vault: string; ttl: string; json?: boolean }, command: Command) => {
      const api = await serverApi(ctx, command);
      const ttlHours = Math.max(1, Math.ceil(parseDuration(options.ttl, '--ttl') / 3_600_000));
      const enrollment = await api.request<{ token: string; expiresAt: string }>('POST', '/api/v1/agents/enrollments', {
        body: { vault: options.vault, ttlHours },
      });
      if (options.json === true) {
        printJson(enrollment);
        return;
      }
      process.stderr.write(
        `enrollment token for vault ${options.vault}, usable once until ${enrollment.expiresAt}; on the host run:\n` +
          `  amber agent register --server ${api.baseUrl} --enroll-token <token>\n`,
      );
      process.stdout.write(`${enrollment.token}\n`);
    });
}

function registerRegister(agent: Command, ctx: CliContext): void {
  agent
    .command('register')
    .description('register this host as an agent (--server URL) and write its configuration (0600)')
    .requiredOption('--enroll-token <token>', 'the one-time token of amber agent enroll')
    .option('--name <name>', "the agent's name (default: from the host name)")
    .option('--config <file>', 'where to write the configuration (default: $XDG_CONFIG_HOME/amber/agent.json)')
    .option('--force', 'replace an existing configuration')
    .option('--json', 'print the result as JSON')
    .action(
      async (
        options: { enrollToken: string; name?: string; config?: string; force?: boolean; json?: boolean },
        command: Command,
      ) => {
        const server = serverUrlOf(ctx, command);
        if (server === undefined) {
          throw new AmberError('USAGE', 'Name the server: amber agent register --server URL --enroll-token TOKEN.');
        }
        const file = agentConfigPath(ctx.env.configDir, options.config);
        // Refuse before the one-time token is spent, not after.
        if (options.force !== true) await assertNoAgentConfig(file);
        const hostname = os.hostname();
        const name = options.name ?? agentNameFromHostname(hostname);
        const answer = await new ApiClient({ baseUrl: server }).request<AgentRegistration>(
          'POST',
          '/api/v1/agents/register',
          { body: { enrollToken: options.enrollToken, name, hostname } },
        );
        const agentName = typeof answer.agent === 'string' ? answer.agent : answer.agent.name;
        const config = {
          server,
          vault: answer.vault,
          agent: agentName,
          token: answer.token,
          keyPassphrase: answer.keyPassphrase,
        };
        await writeAgentConfig(file, config);
        if (options.json === true) printJson({ server, vault: answer.vault, agent: agentName, config: file });
        else
          process.stdout.write(
            `registered agent ${agentName} of vault ${answer.vault} at ${server}; configuration in ${file}\n`,
          );
      },
    );
}

function registerRun(agent: Command, ctx: CliContext): void {
  agent
    .command('run')
    .description("run the agent: poll for jobs, back up this host's items, restore; stops cleanly on SIGTERM")
    .option('--config <file>', 'the configuration (default: $XDG_CONFIG_HOME/amber/agent.json)')
    .option('--once', 'run the jobs queued now, then exit (exit 1 when one failed)')
    .option('--poll-interval <duration>', 'how often to ask for jobs', '5s')
    .action(async (options: { config?: string; once?: boolean; pollInterval: string }) => {
      const config = await readAgentConfig(agentConfigPath(ctx.env.configDir, options.config));
      const pollIntervalMs = Math.max(1000, parseDuration(options.pollInterval, '--poll-interval'));
      const stop = new AbortController();
      const log = (line: string): void => {
        process.stderr.write(`${toIso(ctx.clock.nowMs())} ${line}\n`);
      };
      const onSignal = (signal: NodeJS.Signals): void => {
        if (stop.signal.aborted) process.exit(130); // a second signal: stop now
        log(`${signal}: stopping once the request under way has finished.`);
        stop.abort();
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
      try {
        log(
          `agent ${config.agent} of vault ${config.vault} at ${config.server}: ${options.once === true ? 'running the queued jobs' : 'waiting for jobs'}`,
        );
        const summary = await runAgent({
          api: new ApiClient({ baseUrl: config.server, token: config.token, stopSignal: stop.signal }),
          clock: ctx.clock,
          cacheDir: ctx.env.cacheDir,
          keyPassphrase: config.keyPassphrase,
          hostname: os.hostname(),
          pollIntervalMs,
          once: options.once === true,
          stopSignal: stop.signal,
          log,
        });
        log(
          `stopped: ${summary.succeeded} jobs succeeded, ${summary.failed} failed, ${summary.interrupted} interrupted`,
        );
        if (options.once === true && summary.failed > 0) ctx.exitCode = EXIT.error;
      } finally {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
      }
    });
}
