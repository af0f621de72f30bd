/**
 * The payloads the benchmarks send: valid PeerPrep messages (the generated validators accept
 * them), the events padded to 220 bytes of JSON.
 */
import type { CodeUpdated, UserCreated, UserProfile, UserProfileRequest } from '../../generated/payloads.js';

export const EVENT_BYTES = 220;

export const userCreated: UserCreated = {
  user_id: '8f14e45f-ceea-467f-9a3a-6b1f2c1d9e01',
  username: 'ada_lovelace_of_the_engine_1815',
  email: 'augusta.ada.king.countess.lovelace.notes.1843@analytical-engine.example.org',
  timestamp: '2026-11-29T10:15:00.000Z',
};

export const codeUpdated: CodeUpdated = {
  session_id: '3d6f0a4e-7b1c-4d2e-9f8a-1c2b3d4e5f60',
  user_id: '8f14e45f-ceea-467f-9a3a-6b1f2c1d9e01',
  code_delta: 'def two_sum(nums, target):\n    seen = {}\n    for i, n in enum',
  timestamp: '2026-11-29T10:32:00.000Z',
};

export const profileRequest: UserProfileRequest = { user_id: '8f14e45f-ceea-467f-9a3a-6b1f2c1d9e01' };

export const profile: UserProfile = {
  user_id: '8f14e45f-ceea-467f-9a3a-6b1f2c1d9e01',
  username: 'ada',
  profile_data: { display_name: 'Ada Lovelace', preferred_language: 'python', skill_level: 'intermediate' },
};
