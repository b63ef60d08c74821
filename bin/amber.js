#!/usr/bin/env node
// More libuv threads than the default 4: restores and walks issue many small file-system calls that
// each wait on the disk; the pool must be sized before its first use, so before main is loaded.
process.env.UV_THREADPOOL_SIZE ??= '8';
// The AWS SDK warns on every start that its releases after January 2027 need Node 22; Amber pins the SDK.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// One-shot commands keep V8's young generation at its initial size (a 1 MiB semi-space) instead of
// letting it grow to 16 MiB: a backup's or restore's objects live long anyway, and this saves some
// 30-40 MiB of peak memory at no measured cost in time. The long-running server keeps V8's default.
if (process.argv[2] !== 'server') {
  const { default: v8 } = await import('node:v8');
  v8.setFlagsFromString('--semi-space-growth-factor=1');
}
const { main } = await import('../dist/bundle/cli.js');

process.exitCode = await main(process.argv);
