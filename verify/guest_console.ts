/**
 * What a guest's serial console says about the run, line by line: booted (`=====LAB BOOTED`),
 * completed (`=====LAB DONE=====`), panicked (`Kernel panic - not syncing`), whether the kernel
 * started at all (`Linux version`), a host command asked for (`@@HOST@@ CMD`), and the last lines.
 */

/** How many of the last console lines a run keeps. */
export const LAST_LINES = 40;

/** The state of a console read so far. */
export interface ConsoleState {
  booted: boolean;
  completed: boolean;
  panicked: boolean;
  kernelStarted: boolean;
  readonly lastLines: string[];
}

/** A fresh state. */
export function newConsoleState(): ConsoleState {
  return { booted: false, completed: false, panicked: false, kernelStarted: false, lastLines: [] };
}

/** Take one console line (without its line end) into `st`; the HMP command it asks the host to run, or null. */
export function takeLine(st: ConsoleState, line: string): string | null {
  if (line.includes('=====LAB BOOTED')) st.booted = true;
  if (line.includes('=====LAB DONE=====')) st.completed = true;
  if (line.includes('Kernel panic - not syncing')) st.panicked = true;
  if (line.includes('Linux version')) st.kernelStarted = true;
  st.lastLines.push(line);
  if (st.lastLines.length > LAST_LINES) st.lastLines.shift();
  const m = /@@HOST@@ (.*)$/.exec(line);
  return m ? m[1]!.trim() : null;
}

/** Splits a byte stream into lines (CR before LF dropped); the partial last line is kept for the next chunk. */
export class LineSplitter {
  private rest = '';

  /** The complete lines of `chunk` and what was left before it. */
  push(chunk: string): string[] {
    const parts = (this.rest + chunk).split('\n');
    this.rest = parts.pop() ?? '';
    return parts.map((l) => l.replace(/\r+$/, ''));
  }

  /** The partial last line, when the stream ends without a line end. */
  end(): string[] {
    const r = this.rest.replace(/\r+$/, '');
    this.rest = '';
    return r === '' ? [] : [r];
  }
}
