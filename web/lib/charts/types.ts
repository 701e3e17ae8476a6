/** Data shapes of the chart components. */

/** One cell of a HeatMatrix: what it shows, its colour, and the words of its tooltip. */
export interface HeatCell {
  /** Fill colour (ignored when `hatched`). */
  fill: string;
  /** Main text (the value). */
  text: string;
  /** Smaller second text, e.g. why the value is missing. */
  sub?: string;
  /** Tooltip lines; the first is its heading. Also the cell's accessible name. */
  tooltip: string[];
  /** Missing value: drawn hatched. */
  hatched?: boolean;
  /** Not a value (the diagonal of a pairwise matrix). */
  muted?: boolean;
  /** Outlined as a warning (e.g. below the threshold). */
  flagged?: boolean;
}

/** One line of a LineChart. */
export interface LineSeries {
  id: string;
  label: string;
  color: string;
  /** SVG stroke-dasharray ('' = solid). */
  dash: string;
  points: ReadonlyArray<{ t: number; value: number; n?: number }>;
}
