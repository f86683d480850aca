/** The web client's error text: the server's JSON `error` field, or the body as sent. */
import { describe, expect, it } from 'vitest';
import { errorText, HttpError } from '../../../inspector/web/api-client.js';

describe('errorText', () => {
  it('takes the message of a JSON error body', () => {
    expect(errorText('{"error":"run 999 is not in the log","lastSeq":12}')).toBe('run 999 is not in the log');
  });

  it('keeps a plain-text body, and JSON without an error string, as sent', () => {
    expect(errorText('inspector: not found\n')).toBe('inspector: not found\n');
    expect(errorText('{"error":42}')).toBe('{"error":42}');
    expect(errorText('[1,2]')).toBe('[1,2]');
  });

  it('gives HttpError a status-prefixed one-line message', () => {
    expect(new HttpError(404, errorText('{"error":"seq 99 is past the log (last 12)"}')).message).toBe('404: seq 99 is past the log (last 12)');
  });
});
