import { z } from 'zod';

/** Ids people type (usernames, cooperative ids): lower-case letters, digits, `.`, `-` and `_`. */
export const Slug = z.string().regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, 'lower-case letters, digits, . - and _, 2 to 64 characters');

/**
 * farmer: sees and waters only the farms they are members of. staff: everything of their
 * cooperative (registry, rules, users). admin: every cooperative.
 */
export const Role = z.enum(['farmer', 'staff', 'admin']);
export type Role = z.infer<typeof Role>;

export const Language = z.enum(['vi', 'en']);
export type Language = z.infer<typeof Language>;

// zod's own message, so the dashboard shows it in the person's language.
export const Password = z.string().min(10).max(200);

export const CooperativeConfig = z.object({ name: z.string().min(1).max(200) });
export const Cooperative = CooperativeConfig.extend({ id: z.string() });
export type Cooperative = z.infer<typeof Cooperative>;

/** A person's account as staff write it; the password is only ever sent, never read back. */
export const UserConfig = z.object({
  name: z.string().min(1).max(200),
  role: Role,
  /** Farmers and staff belong to one (staff may leave it out: theirs is used); admins stand above cooperatives. */
  cooperativeId: z.string().min(1).nullable().default(null),
  /** The farms a farmer is a member of (staff see their whole cooperative). */
  farms: z.array(z.string().min(1)).max(100).default([]),
  language: Language.optional(),
  password: Password.optional(),
});
export type UserConfig = z.infer<typeof UserConfig>;

export const User = z.object({
  username: z.string(),
  name: z.string(),
  role: Role,
  cooperativeId: z.string().nullable(),
  farms: z.array(z.string()),
  language: Language.optional(),
});
export type User = z.infer<typeof User>;

export const SignIn = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(200) });
export type SignIn = z.infer<typeof SignIn>;

export const PasswordChange = z.object({ current: z.string().min(1).max(200), password: Password });

export const NewApiToken = z.object({ label: z.string().min(1).max(100) });
export const ApiTokenInfo = z.object({ id: z.string(), label: z.string(), createdAt: z.number(), lastUsedAt: z.number().nullable() });
export type ApiTokenInfo = z.infer<typeof ApiTokenInfo>;
