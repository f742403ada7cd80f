/**
 * The geometry of every verify guest: x86_64 (QEMU's pc machine), 4 KiB pages, 128 MiB sections of
 * 64 sub-sections of 2 MiB — kernel/geometry.ts's X86_64 row, derived once for verify/ and its commands.
 */
import { deriveGeometry, X86_64 } from '../kernel/geometry.js';

/** The derived x86_64 geometry (PAGE_SIZE, PAGES_PER_SECTION, PAGES_PER_SUBSECTION, SECTION_BYTES, …). */
export const GUEST_GEOMETRY = deriveGeometry(X86_64);
