import type { z } from 'zod';
import { toIssues } from './api-error.ts';

/**
 * A config's first problem as the one line a program stops with: `path: what is wrong`. Config schemas
 * are strict, so a key they do not have (a misspelt setting, which would otherwise be dropped and its
 * default used without a word) is named as not a setting.
 */
export function configIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  if (issue.code === 'unrecognized_keys') return `${[...issue.path, issue.keys[0]].join('.')}: is not a setting`;
  const [first] = toIssues(error);
  return `${first!.path}: ${first!.message}`;
}
