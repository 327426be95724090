import type { SliceCreator } from '../../store/app-store';

export type Screen = 'sources' | 'snapshots' | 'browser' | 'compare' | 'activity';

export interface NavigationSlice {
  screen: Screen;
  go(screen: Screen): void;
}

export const createNavigationSlice: SliceCreator<NavigationSlice> = () => (set) => ({
  screen: 'sources',
  go: (screen) => set({ screen }),
});
