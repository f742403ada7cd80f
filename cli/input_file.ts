/**
 * Open an input file: find the file that holds it (a directory's trace.txt), ask the format
 * registry (inputs/registry.ts) what it is, and keep its text, read once, for the loader.
 */
import { basename, join } from 'node:path';
import { SNIFF_BYTES, sniffInput, type InputKind } from '../inputs/registry.js';
import { UserError } from './errors.js';
import { readFileHead, readingInto, type Io, type ReadResult } from './io.js';

/** An input file, identified. */
export interface InputFile {
  /** The path given. */
  readonly path: string;
  /** The file that holds the input: `path`, or the trace.txt in it when `path` is a directory. */
  readonly file: string;
  readonly kind: InputKind;
  /** The file's whole text (read at most once); throws UserError when it cannot be read. */
  readonly text: () => string;
  /** Reads further files (iomem files, run.json, console.log), noting each in `readFiles`. */
  readonly readFile: Io['readFile'];
  /** Every file read so far: the input first. */
  readonly readFiles: readonly string[];
}

/** Identify the input at `path`; throws UserError when it cannot be read at all. */
export function openInput(io: Io, path: string): InputFile {
  let file = path;
  let head = readFileHead(file, SNIFF_BYTES);
  if (!head.ok && head.reason === 'directory') {
    file = join(path, 'trace.txt');
    head = readFileHead(file, SNIFF_BYTES);
  }
  if (!head.ok) throw UserError.from(head);
  const readFiles: string[] = [];
  const readFile = readingInto(io, readFiles);
  let read: ReadResult | null = null;
  const whole = (): ReadResult => (read ??= readFile(file));
  const kind = sniffInput({
    name: basename(file),
    head: head.text,
    text: () => {
      const r = whole();
      return r.ok ? r.text : null;
    },
  });
  return {
    path,
    file,
    kind,
    text: () => {
      const r = whole();
      if (!r.ok) throw UserError.from(r);
      return r.text;
    },
    readFile,
    readFiles,
  };
}
