/**
 * Names: the organisation's queue and each attempt's job id. Job ids are deterministic (backlog,
 * task, attempt), so every process of a backlog asks for the same job and BullMQ runs it once.
 */

/** The BullMQ queue of an organisation's agent runs. */
export function queueNameOf(orgId: number | string): string {
  return `agent-runs-${escapePart(String(orgId))}`;
}

/**
 * The job id of a task's attempt in a backlog. BullMQ forbids `:` in custom ids (it is its key
 * separator) and ids made only of digits (`guide/jobs/job-ids.md`): each part is percent-encoded
 * (`:` and `.` included) and the parts are joined with `.`, so the id is unambiguous, has no `:`
 * and always has a letter (`a`).
 */
export function jobIdOf(backlogId: string, taskId: string, attempt: number): string {
  return `${escapePart(backlogId)}.${escapePart(taskId)}.a${attempt}`;
}

/**
 * The job id of a lander's follow-up on a task's pull request: from its key (e.g.
 * `checks-failed:<head sha>`), not the attempt number, so that the landers of several processes
 * reacting to the same failure ask for the same job and the agent is asked once.
 */
export function followUpJobIdOf(backlogId: string, taskId: string, key: string): string {
  return `${escapePart(backlogId)}.${escapePart(taskId)}.f${escapePart(key)}`;
}

function escapePart(part: string): string {
  return encodeURIComponent(part).replace(/[.:!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** The pub/sub channel a cancel stop is announced on (the job id as message). */
export function cancelChannelOf(prefix: string, queueName: string): string {
  return `${prefix}:${queueName}:cancel`;
}
