/** One operation line on its own (`memhp fork --insert 'OP'`), parsed as the scenario parser parses it. */
import type { Geometry } from '../kernel/geometry.js';
import { stripComment, tokenize, type Problem } from './lexer.js';
import { OPERATION_WORDS, isOperationWord, parseOperation, unknownOperation } from './operations.js';
import type { Result, ScenarioStep } from './types.js';
import type { SourceLoc } from '../kernel/operation.js';

/** Parse `text` as one operation line (no expectations) sourced at `source`. */
export function parseOperationLine(g: Geometry, text: string, source: SourceLoc): Result<ScenarioStep> {
  const body = stripComment(text).trim();
  const err = (p: Problem): Result<ScenarioStep> => ({ ok: false, errors: [{ ...p, file: source.file, line: source.line }] });
  if (body === '') return err({ code: 'E_PARSE', message: 'empty operation', hint: 'write an operation line, e.g. add 0x200000000 128M' });
  const toks = tokenize(body);
  if (!toks.ok) return err(toks.problem);
  const [head, ...args] = toks.value;
  const word = head === undefined ? '' : head.quoted ? `"${head.text}"` : head.text;
  if (!isOperationWord(word)) {
    const u = unknownOperation(word, []);
    const near = u.ok ? undefined : /^did you mean [^?]*\?/.exec(u.problem.hint ?? '')?.[0];
    return err({ code: 'E_UNKNOWN_OP', message: `unknown operation ${word}`, hint: `${near ? `${near} ` : ''}operations: ${OPERATION_WORDS.join(', ')}` });
  }
  const op = parseOperation(g, word, args);
  if (!op.ok) return err(op.problem);
  return { ok: true, value: { op: op.value.op, inject: op.value.inject, source, text: body, expects: [] } };
}
