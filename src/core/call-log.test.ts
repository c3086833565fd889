import { describe, expect, it } from 'vitest';
import { CallLog } from './call-log.js';

const encoder = new TextEncoder();

describe('CallLog', () => {
  it('keeps the last `capacity` calls, oldest first', () => {
    const log = new CallLog(3);
    for (let index = 0; index < 10; index++) {
      const request = { method: 'POST', path: `/model/m${index}/converse`, query: {}, headers: {}, body: encoder.encode(JSON.stringify({ index })) };
      log.record('Converse', `m${index}`, request, { statusCode: 200, headers: {}, body: encoder.encode('{}') });
    }
    expect(log.calls.map((call) => call.modelId)).toEqual(['m7', 'm8', 'm9']);
    expect(log.calls.map((call) => call.input)).toEqual([{ index: 7 }, { index: 8 }, { index: 9 }]);
    log.clear();
    expect(log.calls).toEqual([]);
  });
});
