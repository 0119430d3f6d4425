/**
 * Bank risk-topic taxonomy for the monthly review: each topic has a stable id, a Chinese label, a
 * business line and a cause. Triggers are phrases (exact, after normalization) or pairs (a subject
 * and a complaint word in the same clause within `window` chars, in either order).
 */

import { BUSINESS_LINES, type BusinessLine, CAUSES, type Cause } from '../lib/attribution.js';

export { BUSINESS_LINES, type BusinessLine, CAUSES, type Cause };

export interface TopicDef {
  id: string;
  label: string;
  /** `infer`: taken from the product words of the post (信用卡 → credit_card …), else `fallback`. */
  businessLine: BusinessLine | 'infer';
  fallback?: BusinessLine;
  cause: Cause;
  phrases: string[];
  pairs?: Array<{ a: string[]; b: string[]; window?: number }>;
  /**
   * Phrases that name the topic without being a complaint by themselves (年费, 排队, 诈骗 in an
   * anti-fraud notice). Every other phrase and every pair is negative evidence for sentiment.
   */
  weak?: string[];
}

const BAD = [
  '差',
  '不好',
  '不友好',
  '不专业',
  '恶劣',
  '冷漠',
  '敷衍',
  '不耐烦',
  '傲慢',
  '凶',
  '甩脸',
  '骂人',
  '辱骂',
  '刁难',
  '爱答不理',
  '态度极差',
  '垃圾',
  '恶心',
];

export const TOPICS: TopicDef[] = [
  {
    id: 'wealth_loss',
    label: '理财亏损',
    businessLine: 'wealth',
    cause: 'product_loss',
    phrases: ['理财亏损', '理财亏了', '理财产品亏损', '净值下跌', '跌破净值', '本金亏损', '亏损了', '亏了本金', '血本无归', '理财暴雷', '收益为负', '负收益'],
    pairs: [{ a: ['理财', '基金', '净值', '产品'], b: ['亏', '亏损', '缩水', '跌了', '腰斩', '回撤'], window: 10 }],
  },
  {
    id: 'service_attitude',
    label: '服务态度',
    businessLine: 'infer',
    fallback: 'branch_service',
    cause: 'service_attitude',
    phrases: ['服务态度差', '态度恶劣', '态度极差', '态度很差', '态度太差', '爱答不理', '甩脸色', '服务差劲', '服务太差', '不耐烦'],
    pairs: [{ a: ['态度', '服务', '柜员', '客服', '大堂经理', '经理', '工作人员', '保安'], b: BAD, window: 6 }],
  },
  {
    id: 'fees',
    label: '乱收费',
    businessLine: 'infer',
    cause: 'fees',
    weak: ['管理费', '服务费', '扣费', '小额账户管理费'],
    phrases: [
      '乱收费',
      '乱扣费',
      '乱扣款',
      '莫名扣费',
      '莫名其妙扣',
      '偷偷扣',
      '管理费',
      '小额账户管理费',
      '手续费太高',
      '收费不合理',
      '强制收费',
      '违规收费',
      '服务费',
      '扣费',
    ],
    pairs: [{ a: ['收', '扣', '收取', '扣了', '扣除'], b: ['手续费', '费用', '年费', '短信费', '工本费'], window: 8 }],
  },
  {
    id: 'card_annual_fee',
    label: '信用卡年费',
    businessLine: 'credit_card',
    cause: 'fees',
    weak: ['年费', '信用卡年费', '卡年费', '白金卡年费'],
    phrases: ['年费', '信用卡年费', '卡年费', '白金卡年费', '收年费', '扣年费'],
  },
  {
    id: 'debt_collection',
    label: '暴力催收',
    businessLine: 'infer',
    fallback: 'credit_card',
    cause: 'collection',
    weak: ['催收'],
    phrases: ['暴力催收', '催收', '爆通讯录', '打爆通讯录', '威胁恐吓', '上门催收', '骚扰家人', '骚扰电话', '催债', '恐吓'],
  },
  {
    id: 'system_failure',
    label: '系统故障',
    businessLine: 'digital',
    cause: 'system_failure',
    weak: ['系统维护'],
    phrases: [
      '系统故障',
      '系统崩溃',
      '系统崩了',
      '崩了',
      '宕机',
      '闪退',
      '登录不上',
      '登不上',
      '无法登录',
      '打不开',
      '转账失败',
      '支付失败',
      '网络异常',
      '系统异常',
      '一直转圈',
      '系统维护',
      '崩溃了',
      '卡死',
      '瘫痪',
    ],
  },
  {
    id: 'fraud',
    label: '盗刷/诈骗',
    businessLine: 'infer',
    fallback: 'deposit_transfer',
    cause: 'fraud',
    weak: ['诈骗', '电信诈骗', '骗子'],
    phrases: ['盗刷', '被盗刷', '诈骗', '电信诈骗', '被骗', '骗子', '不翼而飞', '资金被转走', '钱被转走', '莫名消费', '被人刷了', '冒名', '冒用'],
  },
  {
    id: 'credit_limit',
    label: '额度/降额',
    businessLine: 'credit_card',
    cause: 'credit_limit',
    phrases: ['降额', '被降额', '额度被降', '降额度', '砍额度', '额度降', '封卡', '冻卡', '止付', '额度清零', '额度冻结'],
  },
  {
    id: 'loan_approval',
    label: '贷款审批',
    businessLine: 'loan',
    cause: 'loan_process',
    weak: ['贷款审批', '房贷利率'],
    phrases: [
      '放款慢',
      '迟迟不放款',
      '不放款',
      '拒贷',
      '审批不通过',
      '审批太慢',
      '断贷',
      '抽贷',
      '贷款审批',
      '卡审批',
      '提前还款违约金',
      '不让提前还款',
      '房贷利率',
    ],
    pairs: [{ a: ['贷款', '房贷', '经营贷', '消费贷', '车贷'], b: ['审批', '拒', '放款', '不批', '卡着'], window: 8 }],
  },
  {
    id: 'mis_selling',
    label: '误导销售',
    businessLine: 'infer',
    fallback: 'wealth',
    cause: 'mis_selling',
    phrases: [
      '误导销售',
      '销售误导',
      '误导',
      '忽悠',
      '夸大收益',
      '承诺保本',
      '说是保本',
      '飞单',
      '强制搭售',
      '捆绑销售',
      '搭售',
      '没说风险',
      '未揭示风险',
      '代签',
      '冒签',
      '诱导',
    ],
  },
  {
    id: 'run_rumour',
    label: '挤兑/兑付传闻',
    businessLine: 'deposit_transfer',
    cause: 'liquidity',
    phrases: ['挤兑', '兑付困难', '延期兑付', '无法兑付', '取不出钱', '取不出来', '取不了钱', '要倒闭', '倒闭', '破产', '暴雷', '爆雷', '跑路'],
  },
  {
    id: 'regulatory_penalty',
    label: '监管处罚',
    businessLine: 'other',
    cause: 'regulatory',
    phrases: ['罚单', '被罚', '罚款', '行政处罚', '监管处罚', '处罚决定', '没收违法所得', '责令改正', '通报批评', '被监管约谈'],
  },
  {
    id: 'data_breach',
    label: '数据泄露',
    businessLine: 'digital',
    cause: 'data_privacy',
    phrases: ['数据泄露', '信息泄露', '泄露个人信息', '个人信息泄露', '泄露了我的', '倒卖信息', '倒卖客户信息', '隐私泄露', '信息被泄露'],
  },
  {
    id: 'queue_wait',
    label: '网点排队',
    businessLine: 'branch_service',
    cause: 'efficiency',
    weak: ['排队', '叫号'],
    phrases: ['排队', '排长队', '叫号', '只开一个窗口', '窗口太少', '等了一个小时', '等了两个小时', '等了半天', '等了一上午'],
    pairs: [{ a: ['排了', '等了'], b: ['小时', '半天', '上午', '下午'], window: 5 }],
  },
  {
    id: 'account_freeze',
    label: '账户冻结/限额',
    businessLine: 'deposit_transfer',
    cause: 'account_control',
    weak: ['限额', '非柜面'],
    phrases: ['账户冻结', '账户被冻结', '卡被冻结', '冻结了', '被冻结', '非柜面', '限额', '被限制交易', '限制交易', '止付了', '无法转账'],
  },
  {
    id: 'deposit_missing',
    label: '存款/转账异常',
    businessLine: 'deposit_transfer',
    cause: 'other',
    phrases: ['存款不见', '存款丢失', '存款消失', '存款被转', '钱没到账', '未到账', '转账未到账', '汇款未到账', '少了钱', '余额不对'],
  },
  {
    id: 'complaint_handling',
    label: '投诉处理不力',
    businessLine: 'infer',
    cause: 'complaint_handling',
    phrases: ['投诉无门', '推诿', '踢皮球', '没人管', '不予处理', '石沉大海', '拖着不处理', '一直不处理', '不给处理', '不给退', '拒绝退还', '拒不退还'],
  },
];

/** Product words for business-line inference. */
export const PRODUCT_WORDS: Array<[string, BusinessLine]> = [
  ...['信用卡', '年费', '额度', '账单', '分期', '还款日', '白金卡', '掌上生活', '卡中心', '最低还款'].map((w): [string, BusinessLine] => [w, 'credit_card']),
  ...['理财', '基金', '净值', '理财经理', '保险', '结构性存款', '私人银行'].map((w): [string, BusinessLine] => [w, 'wealth']),
  ...['贷款', '房贷', '车贷', '经营贷', '消费贷', '信用贷', '借款', '利息', '逾期'].map((w): [string, BusinessLine] => [w, 'loan']),
  ...['存款', '转账', '汇款', '储蓄卡', '借记卡', '取款', '取钱', '到账', '定期', '存单', '余额'].map((w): [string, BusinessLine] => [w, 'deposit_transfer']),
  ...['网点', '柜台', '柜员', '大堂经理', '营业厅', '支行', '窗口', '保安'].map((w): [string, BusinessLine] => [w, 'branch_service']),
  ...['手机银行', 'app', '网银', '网上银行', '小程序', '客户端', '登录'].map((w): [string, BusinessLine] => [w, 'digital']),
];
