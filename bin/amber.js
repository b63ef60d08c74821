#!/usr/bin/env node
// More libuv threads than the default 4: restores and walks issue many small file-system calls that
// each wait on the disk; the pool must be sized before its first use, so before main is loaded.
process.env.UV_THREADPOOL_SIZE ??= '8';
// The AWS SDK warns on every start that its releases after January 2027 need Node 22; Amber pins the SDK.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { main } = await import('../dist/bundle/cli.js');

process.exitCode = await main(process.argv);
