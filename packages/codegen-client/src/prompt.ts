import type { Task, TaskResult } from '@pco/contract';

/** What a prompt template can use. */
export interface PromptContext {
  readonly task: Task;
  readonly attempt: number;
  /** Results of the task's direct dependencies (all done), by id. */
  readonly dependencyResults: ReadonlyMap<string, TaskResult>;
}

/** The default prompt: the task, its link, and what its dependencies produced. */
export const DEFAULT_PROMPT_TEMPLATE = `{{title}}

{{body}}

Task: {{id}} {{url}}

## Results of the tasks this one depends on
{{dependencies}}`;

/** Fills `{{name}}` placeholders; unknown names are left as they are. */
export function renderPrompt(template: string, context: PromptContext, maxDependencyChars = 2_000): string {
  const { task } = context;
  const dependencies =
    context.dependencyResults.size === 0
      ? '(none)'
      : [...context.dependencyResults.values()]
          .map((result) => {
            const text = (result.summary ?? result.result ?? '').trim();
            const clipped = text.length > maxDependencyChars ? `${text.slice(0, maxDependencyChars)}…` : text;
            const prs = result.pullRequests.map((pr) => pr.url).join(', ');
            return `- ${result.id} (${result.state})${prs ? ` — PRs: ${prs}` : ''}${clipped ? `\n  ${clipped.replace(/\n/g, '\n  ')}` : ''}`;
          })
          .join('\n');
  const values: Readonly<Record<string, string>> = {
    id: task.id,
    title: task.title,
    body: task.body ?? '',
    url: task.url ?? '',
    labels: (task.labels ?? []).join(', '),
    attempt: String(context.attempt),
    dependencies,
  };
  return template.replace(/\{\{\s*([a-z]+)\s*\}\}/g, (match, name: string) => values[name] ?? match).trim();
}
