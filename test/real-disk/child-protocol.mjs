// What the writer children of the kill -9 tests share (kill-harness.ts is the parent's side): they
// wait for "go" on stdin before opening the WAL (the previous child must be dead first), and
// report to the parent in whole JSON lines on stdout.

/** Resolves once the parent wrote "go"; rejects if stdin closes first. */
export function waitForGo() {
  return new Promise((resolve, reject) => {
    let input = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk) => {
      input += chunk;
      if (input.includes('go\n')) resolve();
    });
    process.stdin.on('end', () => reject(new Error('stdin closed before "go"')));
  });
}

/** One JSON line to the parent. Pipes are synchronous on Linux: it is in the parent's pipe on return. */
export const say = (line) => void process.stdout.write(`${JSON.stringify(line)}\n`);
