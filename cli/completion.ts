/**
 * Shell completion scripts for bash, zsh and fish, written from the commands' own citty definitions
 * (every command, option and alias as `memhp COMMAND --help` lists them): a command name first,
 * then the command's options; an option's value by its hint (files for FILE/LOG/TRACE, directories
 * for DIR, the words of `a|b`, the releases for VERSION and V1,V2,…, the architectures for ARCH),
 * and files for a command's positional arguments. The scripts hold plain data: nothing runs memhp
 * while completing.
 */
import type { ArgsDef } from 'citty';

/** What to offer for an option's value or a positional argument. */
export type ValueKind =
  | { readonly kind: 'file' }
  | { readonly kind: 'dir' }
  | { readonly kind: 'words'; readonly words: readonly string[]; readonly list?: boolean }
  | { readonly kind: 'none' };

/** One option of a command. */
export interface OptionSpec {
  /** Its names with their dashes: `--output`, `-o`. */
  readonly names: readonly string[];
  readonly description: string;
  /** Undefined for a flag (a boolean option). */
  readonly value?: ValueKind;
}

/** One command: its options and what its positional arguments take. */
export interface CommandSpec {
  readonly name: string;
  readonly description: string;
  readonly options: readonly OptionSpec[];
  readonly positional: ValueKind;
}

/** The shells memhp writes a script for. */
export const SHELLS = ['bash', 'zsh', 'fish'] as const;

/** One of SHELLS. */
export type Shell = (typeof SHELLS)[number];

/** Word lists the hints name: kernel releases and architectures. */
export interface CompletionWords {
  readonly kernels: readonly string[];
  readonly arches: readonly string[];
}

/** A command's spec from its citty definition; `positional` overrides what its positionals take. */
export function commandSpec(name: string, description: string, args: ArgsDef, words: CompletionWords, positional?: ValueKind): CommandSpec {
  const options: OptionSpec[] = [];
  let pos: ValueKind = { kind: 'none' };
  for (const [key, d] of Object.entries(args)) {
    const hint = 'valueHint' in d && typeof d.valueHint === 'string' ? d.valueHint : '';
    if (d.type === 'positional') {
      if (pos.kind === 'none') pos = valueKind(hint, words, true);
      continue;
    }
    const alias = 'alias' in d ? d.alias : undefined;
    const aliases = alias === undefined ? [] : Array.isArray(alias) ? alias : [alias];
    const names = [`--${key}`, ...aliases.map((a: string) => (a.length === 1 ? `-${a}` : `--${a}`))];
    const description = oneLine(d.description ?? '');
    options.push(d.type === 'boolean' ? { names, description } : { names, description, value: valueKind(hint, words, false) });
  }
  options.push({ names: ['--help', '-h'], description: 'show this command\'s usage' }, { names: ['--version', '-V'], description: "show memhp's version" });
  return { name, description: oneLine(description), options, positional: positional ?? pos };
}

/** The completion script of `shell` for these commands. */
export function completionScript(shell: Shell, commands: readonly CommandSpec[]): string {
  switch (shell) {
    case 'bash':
      return bashScript(commands);
    case 'zsh':
      return zshScript(commands);
    case 'fish':
      return fishScript(commands);
  }
}

// --- internal ---

/** What a value hint (`FILE`, `DIR`, `4|5`, `VERSION`, …) asks for. */
function valueKind(hint: string, words: CompletionWords, positional: boolean): ValueKind {
  if (/^(FILE|LOG|TRACE|SCENARIO)$/.test(hint)) return { kind: 'file' };
  if (hint === 'DIR') return { kind: 'dir' };
  if (hint === 'VERSION') return { kind: 'words', words: words.kernels };
  if (hint === 'V1,V2,…') return { kind: 'words', words: words.kernels, list: true };
  if (hint === 'ARCH') return { kind: 'words', words: words.arches };
  if (/^[\w.-]+(\|[\w.-]+)+$/.test(hint)) return { kind: 'words', words: hint.split('|') };
  return positional && hint === '' ? { kind: 'file' } : { kind: 'none' };
}

/** A description on one line, without what would end a shell quote. */
function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** `s` in single quotes for sh-like shells. */
function sq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The first sentence of a description, short enough for a completion menu. */
function short(s: string): string {
  const first = s.split(/(?<=[.:;)])\s/)[0] ?? s;
  return first.length <= 80 ? first : `${first.slice(0, 77)}...`;
}

/** bash: `complete -F _memhp memhp`, with compgen for words, files and directories. */
function bashScript(commands: readonly CommandSpec[]): string {
  const out: string[] = [
    '# bash completion for memhp: source <(memhp completion bash), or save it as',
    '# ~/.local/share/bash-completion/completions/memhp',
    '_memhp_words() {',
    '  # $1: the words; $2: 1 when the value is a comma-separated list',
    '  local cur=$_memhp_cur pre=""',
    '  if [[ $2 == 1 && $cur == *,* ]]; then pre="${cur%,*},"; cur="${cur##*,}"; fi',
    '  local w; COMPREPLY=()',
    '  while IFS= read -r w; do [[ -n $w ]] && COMPREPLY+=("$pre$w"); done < <(compgen -W "$1" -- "$cur")',
    '  [[ $2 == 1 ]] && compopt -o nospace 2>/dev/null',
    '  return 0',
    '}',
    '_memhp_value() {',
    '  case "$1" in',
    '    file) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$_memhp_cur"));;',
    '    dir) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$_memhp_cur"));;',
    '    none) COMPREPLY=();;',
    '  esac',
    '}',
    '_memhp() {',
    '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" cmd="" i',
    '  _memhp_cur=$cur',
    '  for ((i = 1; i < COMP_CWORD; i++)); do',
    '    case "${COMP_WORDS[i]}" in -*) ;; *) cmd="${COMP_WORDS[i]}"; break;; esac',
    '  done',
    '  if [[ -z $cmd ]]; then',
    `    _memhp_words ${sq([...commands.map((c) => c.name), '--help', '-h', '--version', '-V'].join(' '))}`,
    '    return 0',
    '  fi',
    '  case "$cmd" in',
  ];
  for (const c of commands) {
    out.push(`    ${c.name})`);
    const valued = c.options.filter((o) => o.value !== undefined);
    if (valued.length) {
      out.push('      case "$prev" in');
      for (const o of valued) out.push(`        ${o.names.join('|')}) ${bashValue(o.value as ValueKind)}; return 0;;`);
      out.push('      esac');
    }
    out.push(`      if [[ $cur == -* ]]; then _memhp_words ${sq(c.options.flatMap((o) => o.names).join(' '))}; else ${bashValue(c.positional)}; fi`);
    out.push('      ;;');
  }
  out.push('  esac', '  return 0', '}', 'complete -F _memhp memhp', '');
  return out.join('\n');
}

/** The bash call that completes a value of this kind. */
function bashValue(v: ValueKind): string {
  return v.kind === 'words' ? `_memhp_words ${sq(v.words.join(' '))}${v.list ? ' 1' : ''}` : `_memhp_value ${v.kind}`;
}

/** zsh: one `_arguments` spec per command under `_memhp`, registered with compdef. */
function zshScript(commands: readonly CommandSpec[]): string {
  const esc = (s: string): string => s.replace(/[[\]:\\]/g, '\\$&');
  const action = (v: ValueKind): string => {
    switch (v.kind) {
      case 'file':
        return '_files';
      case 'dir':
        return '_files -/';
      case 'words':
        return v.list ? `_sequence compadd - ${v.words.join(' ')}` : `(${v.words.join(' ')})`;
      case 'none':
        return ' ';
    }
  };
  const out: string[] = [
    '#compdef memhp',
    '# zsh completion for memhp: source <(memhp completion zsh), or save it as _memhp in a directory of $fpath',
    '_memhp() {',
    '  local curcontext="$curcontext" state line',
    '  typeset -A opt_args',
    "  _arguments -C '(- 1 *)'{-h,--help}'[show the usage]' '(- 1 *)'{-V,--version}'[show the version]' '1: :->cmd' '*:: :->args' && return",
    '  case $state in',
    '    cmd)',
    '      local -a cmds',
    `      cmds=(${commands.map((c) => sq(`${c.name.replace(/:/g, '\\:')}:${short(c.description)}`)).join(' ')})`,
    "      _describe -t commands 'memhp command' cmds",
    '      ;;',
    '    args)',
    '      case $words[1] in',
  ];
  for (const c of commands) {
    const specs = c.options.map((o) => {
      const excl = o.names.length > 1 ? `(${o.names.join(' ')})` : '';
      const names = o.names.length > 1 ? `{${o.names.join(',')}}` : (o.names[0] ?? '');
      const desc = `[${esc(short(o.description))}]`;
      return o.value === undefined ? `${sq(excl)}${names}${sq(desc)}` : `${sq(excl)}${names}${sq(`${desc}:value:${action(o.value)}`)}`;
    });
    if (c.positional.kind !== 'none') specs.push(sq(`*:argument:${action(c.positional)}`));
    out.push(`        ${c.name}) _arguments -s ${specs.join(' ')} ;;`);
  }
  out.push('      esac', '      ;;', '  esac', '}', 'compdef _memhp memhp', '');
  return out.join('\n');
}

/** fish: `complete -c memhp` lines, each option only after its command. */
function fishScript(commands: readonly CommandSpec[]): string {
  const names = commands.map((c) => c.name).join(' ');
  const out: string[] = [
    '# fish completion for memhp: memhp completion fish | source, or save it as ~/.config/fish/completions/memhp.fish',
    'complete -c memhp -f',
    `complete -c memhp -n 'not __fish_seen_subcommand_from ${names}' -s h -l help -d 'show the usage'`,
    `complete -c memhp -n 'not __fish_seen_subcommand_from ${names}' -s V -l version -d 'show the version'`,
  ];
  for (const c of commands) out.push(`complete -c memhp -n 'not __fish_seen_subcommand_from ${names}' -a ${c.name} -d ${sq(short(c.description))}`);
  for (const c of commands) {
    const when = `-n '__fish_seen_subcommand_from ${c.name}'`;
    for (const o of c.options) {
      const flags = o.names.map((n) => (n.startsWith('--') ? `-l ${n.slice(2)}` : `-s ${n.slice(1)}`)).join(' ');
      out.push(`complete -c memhp ${when} ${flags}${fishValue(o.value)} -d ${sq(short(o.description))}`);
    }
    if (c.positional.kind === 'file') out.push(`complete -c memhp ${when} -F`);
    else if (c.positional.kind === 'words') out.push(`complete -c memhp ${when} -a ${sq(c.positional.words.join(' '))}`);
  }
  out.push('');
  return out.join('\n');
}

/** The fish flags for an option's value. */
function fishValue(v: ValueKind | undefined): string {
  if (v === undefined) return '';
  switch (v.kind) {
    case 'file':
      return ' -r -F';
    case 'dir':
      return " -r -f -a '(__fish_complete_directories)'";
    case 'words':
      return ` -r -f -a ${sq(v.words.join(' '))}`;
    case 'none':
      return ' -r -f';
  }
}
