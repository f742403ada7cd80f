/** The fuzzer's readers by name. */
import type { Reader, ReaderContext } from '../types.js';
import { iomemReader } from './iomem.js';
import { logReader } from './log.js';
import { scenarioReader } from './scenario.js';
import { traceReader } from './trace.js';
import { viewerReader } from './viewer.js';

/** Every reader's name, in the order a run goes through them. */
export const READER_NAMES = ['scenario', 'iomem', 'trace', 'log', 'viewer'] as const;

/** Make the named reader. */
export async function makeReader(name: string, ctx: ReaderContext): Promise<Reader> {
  switch (name) {
    case 'scenario':
      return scenarioReader(ctx);
    case 'iomem':
      return iomemReader(ctx);
    case 'trace':
      return traceReader(ctx);
    case 'log':
      return logReader(ctx);
    case 'viewer':
      return viewerReader(ctx);
    default:
      throw new RangeError(`unknown reader '${name}' (known: ${READER_NAMES.join(', ')})`);
  }
}
