import { defineCommand, type OptsOf } from "../command-spec.ts";
import type { Invocation } from "../run.ts";

/**
 * Completion scripts: each asks `swamp __complete <words…>` at TAB time, so they complete every
 * command, group and option the binary has, without being regenerated when it changes.
 */
const SCRIPTS = {
  bash: `# swamp completion for bash: source <(swamp completion bash)
_swamp() {
  local IFS=$'\\n'
  COMPREPLY=($(swamp __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}
complete -o default -F _swamp swamp
`,
  zsh: `#compdef swamp
# swamp completion for zsh: source <(swamp completion zsh) after compinit
_swamp() {
  local -a candidates
  candidates=("\${(@f)$(swamp __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  if [[ -n "\${candidates[1]}" ]]; then compadd -a candidates; else _files; fi
}
compdef _swamp swamp
`,
  fish: `# swamp completion for fish: swamp completion fish | source
function __swamp_complete
    set -l words (commandline -opc) (commandline -ct)
    swamp __complete $words[2..-1] 2>/dev/null
end
complete -c swamp -f -a '(__swamp_complete)'
`,
} as const;

const options = {};
type Opts = OptsOf<typeof options>;

export const command = defineCommand({
  description: "print a shell completion script (commands, subcommands, options) for bash, zsh or fish",
  arguments: [{ syntax: "<shell>", description: "bash, zsh or fish", choices: Object.keys(SCRIPTS) }],
  examples: [
    "source <(swamp completion bash)          # in ~/.bashrc",
    "source <(swamp completion zsh)           # in ~/.zshrc, after compinit",
    "swamp completion fish > ~/.config/fish/completions/swamp.fish",
  ],
  options,
  run,
});

export async function run(inv: Invocation<Opts>): Promise<void> {
  const shell = inv.args[0] as keyof typeof SCRIPTS;
  const script = SCRIPTS[shell];
  inv.out.result({ shell, script }, () => script);
}
