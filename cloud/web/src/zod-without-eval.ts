/**
 * Imported first by main.tsx, before any zod schema is built. The page's CSP forbids eval; zod probes
 * for it with `new Function` as it builds its first object schema, and the browser reports the probe
 * as a CSP violation in the console even though zod catches the error.
 */
import { config } from 'zod/v4/core';

config({ jitless: true });
