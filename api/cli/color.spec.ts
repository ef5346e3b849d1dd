import { colorEnabled, paintLeadingStatus, paintStatus } from './color';

describe('colours', () => {
  const tty = { isTTY: true, hasColors: () => true };

  it('only on a terminal, never with NO_COLOR; FORCE_COLOR forces', () => {
    expect(colorEnabled(tty, {})).toBe(true);
    expect(colorEnabled({ isTTY: false }, {})).toBe(false);
    expect(colorEnabled({}, {})).toBe(false);
    expect(colorEnabled({ isTTY: true, hasColors: () => false }, {})).toBe(false);
    expect(colorEnabled(tty, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled(tty, { NO_COLOR: '' })).toBe(true);
    expect(colorEnabled(tty, { FORCE_COLOR: '0' })).toBe(false);
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
  });

  it('paints a status, and the status a line starts with', () => {
    expect(paintStatus('completed', true)).toBe('\x1b[32mcompleted\x1b[39m');
    expect(paintStatus('failed', true)).toBe('\x1b[31mfailed\x1b[39m');
    expect(paintStatus('completed', false)).toBe('completed');
    expect(paintStatus('queued', true)).toBe('queued');
    expect(paintLeadingStatus('running   processing [#..]', 'running', true)).toBe('\x1b[36mrunning\x1b[39m   processing [#..]');
  });
});
