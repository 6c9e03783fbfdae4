// A redis-server started as a direct child on a unix socket in a temporary directory (never as a
// daemon, never on TCP), and the little of the RESP protocol the workload and checker need.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function startRedis(dataDir, extraArgs) {
  const sockDir = mkdtempSync(join(tmpdir(), 'walref-redis-'));
  const socket = join(sockDir, 'redis.sock');
  const child = spawn('redis-server', ['--port', '0', '--unixsocket', socket, '--dir', dataDir, '--save', '', '--daemonize', 'no', '--logfile', '', '--loglevel', 'warning', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // With --logfile '' the log goes to standard output: keep both, for the reason a start failed.
  let stderr = '';
  child.stdout.on('data', (c) => (stderr += c));
  child.stderr.on('data', (c) => (stderr += c));
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  child.on('error', (error) => (stderr += `${error.message}\n`));
  // However this process ends (an uncaught error, process.exit), the server and its socket
  // directory end with it: nothing is left running or in the temporary directory.
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(sockDir, { recursive: true, force: true });
  };
  process.on('exit', stop);
  const cleanup = () => {
    process.removeListener('exit', stop);
    stop();
  };
  for (let attempt = 0; ; attempt++) {
    try {
      const client = await connect(socket);
      const pong = await client.command(['PING']);
      if (pong !== 'PONG') throw pong instanceof Error ? pong : new Error(String(pong));
      return { client, child, exited, cleanup };
    } catch (error) {
      if (child.exitCode !== null || child.signalCode !== null || attempt > 400) {
        await Promise.race([exited, new Promise((r) => setTimeout(r, 200))]);
        cleanup();
        // Redis log lines read "<pid>:M <date> # <message>": keep the message.
        const said = (stderr.trim().split('\n').pop() ?? '').replace(/^\d+:[A-Z] .*? [#*.-] /, '');
        throw new Error(said || error?.message || 'no message');
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

function connect(path) {
  return new Promise((resolve, reject) => {
    const sock = createConnection(path);
    sock.once('error', reject);
    sock.once('connect', () => {
      let buffer = '';
      const waiting = [];
      // A server that dies answers every pending command with an error, never with silence.
      sock.on('close', () => {
        for (const res of waiting.splice(0)) res(new Error('connection closed'));
      });
      sock.on('error', () => undefined);
      sock.on('data', (chunk) => {
        buffer += chunk.toString('utf8');
        for (;;) {
          const parsed = parseReply(buffer);
          if (parsed === null) break;
          buffer = buffer.slice(parsed.length);
          waiting.shift()?.(parsed.value);
        }
      });
      resolve({
        command: (args) =>
          new Promise((res) => {
            waiting.push(res);
            sock.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
          }),
        close: () => sock.destroy(),
      });
    });
  });
}

/** One reply at the start of `text`: simple string, error, integer or bulk string. */
function parseReply(text) {
  const end = text.indexOf('\r\n');
  if (end === -1) return null;
  const kind = text[0];
  const head = text.slice(1, end);
  if (kind === '+' || kind === ':') return { value: head, length: end + 2 };
  if (kind === '-') return { value: new Error(head), length: end + 2 };
  if (kind === '$') {
    const n = Number(head);
    if (n === -1) return { value: null, length: end + 2 };
    if (text.length < end + 2 + n + 2) return null;
    return { value: text.slice(end + 2, end + 2 + n), length: end + 2 + n + 2 };
  }
  throw new Error(`unexpected reply ${JSON.stringify(text.slice(0, 20))}`);
}
