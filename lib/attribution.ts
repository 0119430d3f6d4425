/**
 * The vocabulary of the bank's monthly complaint review: business lines and causes with stable English
 * ids and Chinese labels. The topic taxonomy (analysis/) maps topics onto them; the attribution report
 * (escalation/) labels its matrix with them.
 */
export const BUSINESS_LINES = {
  credit_card: '信用卡',
  wealth: '理财',
  loan: '贷款',
  deposit_transfer: '存款/转账',
  branch_service: '网点服务',
  digital: '手机银行/线上渠道',
  other: '其他',
} as const;
export type BusinessLine = keyof typeof BUSINESS_LINES;

export const CAUSES = {
  service_attitude: '服务态度',
  system_failure: '系统故障',
  fees: '乱收费',
  mis_selling: '误导销售',
  collection: '暴力催收',
  fraud: '盗刷/诈骗',
  product_loss: '产品亏损',
  credit_limit: '额度管控',
  loan_process: '贷款流程',
  liquidity: '兑付/流动性',
  regulatory: '监管合规',
  data_privacy: '信息安全',
  efficiency: '办事效率',
  account_control: '账户管控',
  complaint_handling: '投诉处理',
  other: '其他',
} as const;
export type Cause = keyof typeof CAUSES;
