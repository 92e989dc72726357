import { describe, expect, it } from 'vitest';
import { burnRate } from './burn-rate.js';
import { runOut } from './run-out.js';

const settings = { windowDays: 28, minHistoryDays: 3 };
const NOON = new Date('2025-06-15T12:00:00.000Z');

describe('burnRate', () => {
  it('divides what was used in the window by the days in it, today counting with its elapsed part', () => {
    const daily = [
      { day: '2025-06-10', quantity: 200 },
      { day: '2025-06-14', quantity: 100 },
      { day: '2025-06-15', quantity: 50 },
    ];
    // Tracked since June 1st: 14.5 days, 350 used.
    expect(burnRate(daily, '2025-06-01', 60, settings, NOON)).toEqual({
      perDay: 24.137931,
      basis: 'history',
      windowDays: 14.5,
    });
  });

  it('looks back no further than the window, whatever the history', () => {
    const daily = [
      { day: '2025-05-17', quantity: 10_000 },
      { day: '2025-05-18', quantity: 285 },
    ];
    // The window starts at midnight on May 18th (28 days before today's date): 28.5 days.
    expect(burnRate(daily, '2024-01-01', 60, settings, NOON)).toEqual({
      perDay: 10,
      basis: 'history',
      windowDays: 28.5,
    });
  });

  it("uses the model's default daily use without history, or with less than the minimum", () => {
    expect(burnRate([], null, 60, settings, NOON)).toEqual({ perDay: 60, basis: 'default', windowDays: 0 });
    const twoDays = [{ day: '2025-06-14', quantity: 500 }];
    expect(burnRate(twoDays, '2025-06-14', 60, settings, NOON)).toEqual({
      perDay: 60,
      basis: 'default',
      windowDays: 0,
    });
  });

  it('counts a quiet stretch of a tracked slot as days of zero use', () => {
    expect(burnRate([], '2025-06-01', 60, settings, NOON)).toEqual({ perDay: 0, basis: 'history', windowDays: 14.5 });
  });
});

describe('runOut', () => {
  it('divides the stock on hand by the burn rate and dates the day it runs out', () => {
    expect(runOut(3500, 100, NOON)).toEqual({ daysLeft: 35, runOutDate: '2025-07-20' });
    expect(runOut(250, 30, NOON)).toEqual({ daysLeft: 8.33, runOutDate: '2025-06-23' });
  });

  it('says nothing about a slot that is not being used, and today for an empty one', () => {
    expect(runOut(3500, 0, NOON)).toEqual({ daysLeft: null, runOutDate: null });
    expect(runOut(0, 10, NOON)).toEqual({ daysLeft: 0, runOutDate: '2025-06-15' });
  });
});
