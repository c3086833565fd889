import { describe, expect, it } from 'vitest';
import { StopSequenceWatcher } from './stop-sequence-watcher.js';

function run(pieces: string[], stops: string[]): { text: string; hit?: string } {
  const watcher = new StopSequenceWatcher(stops);
  let text = '';
  for (const piece of pieces) {
    const { emit, hit } = watcher.push(piece);
    text += emit;
    if (hit !== undefined) return { text, hit };
  }
  return { text: text + watcher.flush() };
}

describe('StopSequenceWatcher', () => {
  it('cuts before a stop sequence inside one piece', () => {
    expect(run(['Hello STOP world'], ['STOP'])).toEqual({ text: 'Hello ', hit: 'STOP' });
  });

  it('finds a stop sequence split across pieces and never emits its start', () => {
    const watcher = new StopSequenceWatcher(['</answer>']);
    expect(watcher.push('42 </ans')).toEqual({ emit: '42 ' });
    expect(watcher.push('wer> more')).toEqual({ emit: '', hit: '</answer>' });
  });

  it('releases held text that turned out not to be a stop sequence', () => {
    expect(run(['a ST', 'ART b'], ['STOP'])).toEqual({ text: 'a START b' });
    expect(run(['ends with ST'], ['STOP'])).toEqual({ text: 'ends with ST' });
  });

  it('reports the earliest of several stop sequences', () => {
    expect(run(['one two three'], ['three', 'two'])).toEqual({ text: 'one ', hit: 'two' });
  });
});
