/**
 * QEMU's machine protocol (QMP) over its unix socket, for the one thing the guest asks of the
 * host: run an HMP command line (`human-monitor-command`) and answer in one line, `OK output`
 * (the output's lines joined with ` | `, or `(no output)`) or `ERROR reason`, as the lab's runner.
 */
import { createConnection } from 'node:net';

/** Run the HMP command line `hmp` through the QMP socket at `sock`; the one-line answer (never throws). */
export function qmpHmp(sock: string, hmp: string, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve) => {
    const conn = createConnection(sock);
    let buf = '';
    let stage: 'greeting' | 'capabilities' | 'command' = 'greeting';
    let done = false;
    const finish = (answer: string): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      conn.destroy();
      resolve(answer.replace(/[\r\n]+/g, ' '));
    };
    const timer = setTimeout(() => finish(`ERROR runner: no answer from QMP in ${timeoutMs / 1000} s`), timeoutMs);
    const send = (msg: object): void => {
      conn.write(`${JSON.stringify(msg)}\n`);
    };
    conn.on('error', (e) => finish(`ERROR runner: QMP socket: ${e.message}`));
    conn.on('close', () => finish('ERROR runner: QMP closed'));
    conn.on('data', (chunk) => {
      buf += chunk.toString('utf8');
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line === '') continue;
        let msg: Record<string, unknown>;
        try {
          msg = JSON.parse(line) as Record<string, unknown>;
        } catch {
          finish(`ERROR runner: QMP sent ${line.slice(0, 80)}`);
          return;
        }
        if ('event' in msg) continue;
        if (stage === 'greeting') {
          stage = 'capabilities';
          send({ execute: 'qmp_capabilities' });
        } else if (stage === 'capabilities') {
          stage = 'command';
          send({ execute: 'human-monitor-command', arguments: { 'command-line': hmp } });
        } else {
          finish(answerOf(msg));
          return;
        }
      }
    });
  });
}

/** The one-line answer for a QMP reply. */
export function answerOf(msg: Record<string, unknown>): string {
  const err = msg.error as { desc?: unknown } | undefined;
  if (err !== undefined) return `ERROR ${typeof err.desc === 'string' ? err.desc : JSON.stringify(err)}`;
  const ret = typeof msg.return === 'string' ? msg.return : '';
  const lines = ret.replace(/\r/g, '').split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return `OK ${lines.length > 0 ? lines.join(' | ') : '(no output)'}`;
}
