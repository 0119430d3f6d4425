import { BarChart, LineChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent, DataZoomComponent, CanvasRenderer]);

export type Chart = echarts.ECharts;
export type ChartOption = echarts.EChartsCoreOption;

/** System fonts only: the dashboard works offline. */
const FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif';

export function createChart(el: HTMLElement): Chart {
  const chart = echarts.init(el, undefined, { renderer: 'canvas' });
  chart.setOption({ textStyle: { fontFamily: FONT }, animation: false });
  return chart;
}

export const COLORS = { negative: '#d9363e', neutral: '#a0a7b4', positive: '#2f9e44', net: '#1d4ed8', ours: '#c2410c', peer: '#94a3b8' };
