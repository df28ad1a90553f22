import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Reload } from '../api/types';
import { ReloadProgress } from './reload-progress';

const base: Reload = {
  id: 'r',
  mode: 'full',
  status: 'running',
  createdAt: '',
  startedAt: '',
  finishedAt: null,
  progress: { pages: 3, rowsRead: 2500 },
  result: null,
  error: null,
};

describe('ReloadProgress', () => {
  it('is indeterminate while running and says what was read', () => {
    render(<ReloadProgress reload={base} />);
    const bar = screen.getByRole('progressbar', { name: 'Reload progress' });
    expect(bar.getAttribute('aria-valuenow')).toBeNull();
    expect(bar.getAttribute('aria-valuetext')).toBe('2500 rows read in 3 pages');
    expect(screen.getByText('2500 rows read in 3 pages')).toBeTruthy();
  });

  it('is full once the reload ended, with its status', () => {
    render(<ReloadProgress reload={{ ...base, status: 'succeeded', progress: { pages: 1, rowsRead: 10 } }} />);
    const bar = screen.getByRole('progressbar', { name: 'Reload progress' });
    expect(bar.getAttribute('aria-valuenow')).toBe('100');
    expect(bar.getAttribute('aria-valuetext')).toBe('10 rows read in 1 page, succeeded');
  });
});
