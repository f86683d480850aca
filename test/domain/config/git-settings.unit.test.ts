import { describe, expect, it } from 'vitest';
import { gitEnabled, GitSettingsSchema } from '../../../domain/config/git-settings.js';

describe('git settings', () => {
  it('default to on inside a git work tree and off elsewhere; a given enabled wins', () => {
    const absent = GitSettingsSchema.parse(undefined);
    expect(gitEnabled(absent, true)).toBe(true);
    expect(gitEnabled(absent, false)).toBe(false);
    expect(gitEnabled(GitSettingsSchema.parse({ enabled: false }), true)).toBe(false);
    expect(gitEnabled(GitSettingsSchema.parse({ enabled: true }), false)).toBe(true);
  });

  it('refuse an unknown key or a non-boolean enabled', () => {
    expect(GitSettingsSchema.safeParse({ enable: true }).success).toBe(false);
    expect(GitSettingsSchema.safeParse({ enabled: 'yes' }).success).toBe(false);
  });
});
