// etcd 3.4 (Debian's etcd-server) for the crash-test target: one member started as a direct child
// (never as a daemon) on two free loopback ports, and the little of its v3 HTTP/JSON gateway the
// workload and checker need (put, range). No etcdctl process per request: one HTTP request each.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

export const ETCD = process.env.WALREF_ETCD_BIN ?? 'etcd';

/** The one-line reason etcd cannot run here, or null. */
export function etcdMissing() {
  const result = spawnSync(ETCD, ['--version'], { encoding: 'utf8' });
  if (result.error !== undefined || result.status !== 0) return 'no etcd binary (apt-get install etcd-server, or set WALREF_ETCD_BIN)';
  return null;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const b64 = (text) => Buffer.from(text, 'utf8').toString('base64');
const unb64 = (text) => Buffer.from(text, 'base64').toString('utf8');

/**
 * Starts one etcd member on `dataDir` and waits until it serves requests, at most `startMs`
 * (a member that cannot elect itself never does: the checker reports it well within crash-test's
 * own timeout). `flags` are more etcd flags, e.g. ['--backend-batch-interval', '1h'].
 */
export async function startEtcd(dataDir, { startMs = 20_000, flags = [] } = {}) {
  const client = await freePort();
  const peer = await freePort();
  const clientUrl = `http://127.0.0.1:${client}`;
  const peerUrl = `http://127.0.0.1:${peer}`;
  const child = spawn(
    ETCD,
    [
      '--name', 'walref', '--data-dir', dataDir,
      '--listen-client-urls', clientUrl, '--advertise-client-urls', clientUrl,
      '--listen-peer-urls', peerUrl, '--initial-advertise-peer-urls', peerUrl,
      '--initial-cluster', `walref=${peerUrl}`, '--initial-cluster-state', 'new',
      '--log-level', 'warn', '--logger', 'zap',
      ...flags,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ETCD_UNSUPPORTED_ARCH: process.arch === 'arm64' ? 'arm64' : '' } },
  );
  let log = '';
  child.stdout.on('data', (c) => (log += c));
  child.stderr.on('data', (c) => (log += c));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  /** The last structured (zap) log line, else the last line. */
  const lastLogLine = () => {
    const lines = log.trim().split('\n');
    for (const line of [...lines].reverse()) {
      try {
        const parsed = JSON.parse(line);
        return `${parsed.msg ?? ''}${parsed.error ? `: ${parsed.error}` : ''}`;
      } catch {
        // A plain line (etcd's permission warnings): keep looking.
      }
    }
    return lines.pop() ?? '';
  };
  const call = async (path, body) => {
    const response = await fetch(`${clientUrl}${path}`, { method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(5_000) });
    const json = await response.json();
    if (!response.ok) throw new Error(`etcd ${path}: ${json.error ?? json.message ?? response.status}`);
    return json;
  };
  const deadline = Date.now() + startMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await exited;
      throw new Error(`etcd exited during start-up: ${lastLogLine() || 'no message'}`);
    }
    try {
      await call('/v3/kv/range', { key: b64('probe') });
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        await exited;
        throw new Error(`etcd did not serve within ${Math.round(startMs / 1000)} s: ${lastLogLine() || error.message}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    put: (key, value) => call('/v3/kv/put', { key: b64(key), value: b64(value) }),
    get: async (key) => {
      const json = await call('/v3/kv/range', { key: b64(key) });
      const kv = json.kvs?.[0];
      return kv === undefined ? null : unb64(kv.value ?? '');
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    lastLogLine,
  };
}
