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
  // zod's own words for these name its types ("expected string, received undefined").
  if (issue.code === 'invalid_type') return `${first!.path}: ${issue.input === undefined ? 'is missing' : `must be ${A_TYPE[issue.expected] ?? `a ${issue.expected}`}`}`;
  return `${first!.path}: ${first!.message}`;
}

const A_TYPE: Record<string, string> = { array: 'a list', object: 'an object', boolean: 'true or false' };

/** Parse options for a config: issues carry their input, so `configIssue` can tell missing from wrong. */
export const CONFIG_PARSE = { reportInput: true } as const;
