import type { SliceCreator } from '../../store/app-store';

export type Screen = 'sources' | 'snapshots' | 'browser' | 'compare' | 'activity' | 'plans';

export interface NavigationSlice {
  screen: Screen;
  go(screen: Screen): void;
}

export const createNavigationSlice: SliceCreator<NavigationSlice> = () => (set) => ({
  screen: 'sources',
  go: (screen) => set({ screen }),
});

/** Once a plan exists, the Plans screen is where the app opens. */
export function homeScreen(planCount: number): Screen {
  return planCount > 0 ? 'plans' : 'sources';
}
