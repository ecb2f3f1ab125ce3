import { HttpError } from '@influxdata/influxdb-client';
import { describe, expect, it } from 'vitest';
import { errorText } from './influx-http.ts';

describe('errorText', () => {
  it("gives the server's own words, from every InfluxDB generation's error body", () => {
    expect(errorText(new HttpError(401, 'Unauthorized', '{"error":"authorization failed"}'))).toBe('401: authorization failed');
    expect(errorText(new HttpError(401, 'Unauthorized', '{"code":"unauthorized","message":"unauthorized access"}'))).toBe('401: unauthorized access');
    expect(errorText(new HttpError(502, 'Bad Gateway', '<html>proxy error</html>'))).toBe('502: <html>proxy error</html>');
    expect(errorText(new Error('connect ECONNREFUSED 127.0.0.1:8086'))).toBe('connect ECONNREFUSED 127.0.0.1:8086');
  });
});
