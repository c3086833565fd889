import { describe, expect, it } from 'vitest';
import { PROFANITY_WORDS } from './profanity-list.js';
import { compileWordPolicy, profanityBase } from './word-policy.js';

describe('word policy', () => {
  it('matches custom words case-insensitively and on whole words only', () => {
    const words = compileWordPolicy({ words: [{ text: 'ass' }, { text: 'Secret Project' }] }, 'INPUT')!;
    expect(words.find('The class will assess the ASS. secret   project X').map((finding) => [finding.match, finding.term])).toEqual([
      ['ASS', 'ass'],
      ['secret   project', 'Secret Project'],
    ]);
    expect(words.find('classy bass assassin')).toEqual([]);
  });

  it('ships a managed list of a few hundred entries', () => {
    expect(PROFANITY_WORDS.size).toBeGreaterThan(300);
  });

  it('matches the managed list with simple inflections, never inside other words', () => {
    const words = compileWordPolicy({ managedWordLists: [{ type: 'PROFANITY' }] }, 'OUTPUT')!;
    const found = words.find('Damn, that bitching bastards thing, fucked up. Classic, Scunthorpe, assessment, hello, shell.');
    expect(found.map((finding) => [finding.match, finding.term])).toEqual([
      ['Damn', 'damn'],
      ['bitching', 'bitch'],
      ['bastards', 'bastards'],
      ['fucked', 'fucked'],
    ]);
    expect(profanityBase('twatting')).toBe('twat');
    expect(profanityBase('dickheads')).toBe('dickhead');
    expect(profanityBase('class')).toBeUndefined();
  });

  it('reports a listed phrase once, as the phrase', () => {
    const words = compileWordPolicy({ managedWordLists: [{ type: 'PROFANITY' }] }, 'INPUT')!;
    expect(words.find('you son of a bitch').map((finding) => finding.match)).toEqual(['son of a bitch']);
  });

  it('honours directions: a disabled element does not run, an action override applies', () => {
    const policy = { words: [{ text: 'foo', inputEnabled: false, outputAction: 'NONE' as const }] };
    expect(compileWordPolicy(policy, 'INPUT')).toBeUndefined();
    expect(compileWordPolicy(policy, 'OUTPUT')!.find('foo')[0]!.action).toBe('NONE');
  });
});
