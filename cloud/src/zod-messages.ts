import { z } from 'zod';

// The API's 400s list each problem as `path: message`: a field left out reads "is required", not zod's
// "Invalid input: expected string, received undefined". Other messages stay zod's.
z.config({ customError: (issue) => (issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : undefined) });
