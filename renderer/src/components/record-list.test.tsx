// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { RecordList } from './record-list';

afterEach(cleanup);

describe('RecordList', () => {
  it('shows each record on one line with its numbers exactly as stored', () => {
    render(
      <RecordList
        testId="record"
        records={['{\n  "id": 9007199254740993,\n  "price": 1.50,\n  "title": "a"\n}']}
      />,
    );
    expect(screen.getByTestId('record').textContent).toBe(
      '{"id":9007199254740993,"price":1.50,"title":"a"}',
    );
  });
});
