/**
 * BTF from bytes: raw BTF (/sys/kernel/btf/vmlinux) or an ELF file (vmlinux) whose `.BTF` section
 * holds it. An ELF without `.BTF` is E_ENV (the kernel was built without CONFIG_DEBUG_INFO_BTF);
 * anything else that is neither is E_PARSE.
 */
import { parseBtf, isBtf } from './btf.js';
import { elfSection, isElf } from './elf.js';
import { parseError, type Btf, type BtfResult } from './types.js';

/** The parsed BTF of raw BTF bytes or of an ELF file's `.BTF` section. */
export function loadBtf(bytes: Uint8Array): BtfResult<Btf> {
  if (isBtf(bytes)) return parseBtf(bytes);
  if (!isElf(bytes)) return parseError('neither BTF (magic 0xeB9F) nor an ELF file');
  const sec = elfSection(bytes, '.BTF');
  if (!sec.ok) return sec;
  if (sec.value === null) return { ok: false, code: 'E_ENV', message: 'ELF file has no .BTF section' };
  return parseBtf(sec.value);
}
