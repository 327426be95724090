/**
 * How hard a repository password is to guess, by zxcvbn-ts (a maintained estimator that knows
 * common passwords, names, dictionary words, keyboard patterns and dates), not by a home-made
 * rule. The repository's key slots use scrypt, so an attacker with a copy of the repository
 * guesses offline at a slow-hash rate: below score 3 (about 10^8 guesses) a password is weak.
 * Loaded only when a repository is created: the dictionaries are a few MB.
 */
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';

export interface PasswordRating {
  /** zxcvbn's 0 (guessed at once) … 4 (very unguessable). */
  score: 0 | 1 | 2 | 3 | 4;
  weak: boolean;
  /** Why it is weak and what helps, in one line; null when it is not weak. */
  advice: string | null;
}

/** The lowest score not called weak. */
export const strongEnoughScore = 3;

let estimator: ZxcvbnFactory | undefined;

export function ratePassword(password: string): PasswordRating {
  estimator ??= new ZxcvbnFactory({
    translations: english.translations,
    graphs: common.adjacencyGraphs,
    dictionary: { ...common.dictionary, ...english.dictionary },
  });
  // The estimator's cost grows with length; beyond 100 characters nothing is weak anyway.
  const { score, feedback } = estimator.check(password.slice(0, 100));
  const weak = score < strongEnoughScore;
  const words = [feedback.warning, ...feedback.suggestions].filter((w): w is string => !!w);
  return {
    score,
    weak,
    advice: weak
      ? [...words, 'A few unrelated words together make a strong password.'].join(' ')
      : null,
  };
}
