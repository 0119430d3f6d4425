/**
 * Text material for the benchmark seeder: pre-segmented Chinese sentences about bank products
 * (words separated by `|`, so tokens need no tokenizer). `{B}` = institution name, `{S}` = branch, `{N}` = a number.
 */

export interface TopicText {
  id: string;
  label: string;
  businessLine: string;
  cause: string;
  negative: string[];
  details: string[];
}

export const TOPIC_TEXT: TopicText[] = [
  {
    id: 'credit_limit',
    label: '额度管控',
    businessLine: 'credit_card',
    cause: 'credit_limit',
    negative: [
      '{B}|信用卡|莫名其妙|被|降额|了|，|从|{N}|万|直接|降到|两千|，|一个|电话|通知|都|没有|。',
      '用了|五年|的|{B}|信用卡|突然|被|封卡|降额|，|按时|还款|从来|没有|逾期|过|。',
    ],
    details: ['客服|只|说|是|系统|综合|评估|，|具体|原因|不能|透露|。', '申请|恢复|额度|被|拒|了|三次|，|每次|都|让|等|审核|。'],
  },
  {
    id: 'card_annual_fee',
    label: '信用卡年费',
    businessLine: 'credit_card',
    cause: 'fees',
    negative: ['{B}|信用卡|年费|{N}|元|，|办卡|时|业务员|说|刷|六次|就|免|年费|。', '{B}|偷偷|扣|了|我|{N}|元|年费|，|办卡|的|时候|根本|没|说|要|收费|。'],
    details: ['打|客服|要求|退还|年费|，|只|给|退|一半|。', '短信|通知|藏|在|一堆|营销|信息|里|，|根本|看不到|。'],
  },
  {
    id: 'wealth_loss',
    label: '理财亏损',
    businessLine: 'wealth',
    cause: 'product_loss',
    negative: ['在|{B}|买|的|理财|产品|净值|下跌|，|{N}|万|本金|亏损|了|将近|百分之|八|。', '{B}|的|理财|经理|说|稳健|型|产品|不会|亏|，|结果|跌破|净值|。'],
    details: ['当初|风险|评估|是|保守|型|，|却|给|我|推荐|了|中高|风险|产品|。', '找|理财|经理|问|情况|，|电话|不|接|微信|不|回|。'],
  },
  {
    id: 'mis_selling',
    label: '误导销售',
    businessLine: 'wealth',
    cause: 'mis_selling',
    negative: ['{B}|{S}|柜员|把|保险|当|存款|卖|给|我|父母|，|说|利息|比|定期|高|。', '去|{B}|存|定期|，|被|柜员|忽悠|买|了|{N}|万|的|分红|险|。'],
    details: ['合同|上|写|的|是|十年|期|，|提前|退保|要|损失|一大笔|钱|。', '老人|根本|不|知道|买|的|是|什么|，|签字|都|是|柜员|指|的|地方|。'],
  },
  {
    id: 'loan_approval',
    label: '贷款审批',
    businessLine: 'loan',
    cause: 'loan_process',
    negative: [
      '在|{B}|申请|房贷|两个|月|了|还|没|放款|，|每次|问|都|说|在|走|流程|。',
      '{B}|经营贷|审批|材料|交|了|三遍|，|客户经理|换|了|两个|，|进度|为|零|。',
    ],
    details: ['卖方|天天|催|，|再|不|放款|就要|违约|赔钱|了|。', '提前|还款|还要|预约|排队|，|违约金|收|百分之|二|。'],
  },
  {
    id: 'service_attitude',
    label: '服务态度',
    businessLine: 'branch_service',
    cause: 'service_attitude',
    negative: ['{B}|{S}|的|柜员|态度|极差|，|问|两句|就|不耐烦|，|还|甩脸|给|老人|看|。', '今天|去|{B}|{S}|办|业务|，|大堂|经理|爱答不理|，|服务|太|差|了|。'],
    details: ['旁边|的|老人|排|了|一上午|，|最后|被|告知|材料|不全|。', '问|能不能|加快|，|回答|说|不|满意|可以|去|别的|银行|。'],
  },
  {
    id: 'queue_wait',
    label: '排队等候',
    businessLine: 'branch_service',
    cause: 'efficiency',
    negative: ['{B}|{S}|只|开|一个|窗口|，|排队|等|了|{N}|个|小时|还|没|轮到|。', '去|{B}|{S}|取|个|号|前面|还有|{N}|个|人|，|窗口|却|只|开|了|两个|。'],
    details: ['保安|说|中午|休息|，|窗口|暂停|办理|。', '智能|柜台|又|坏|了|，|所有|人|只能|排|人工|。'],
  },
  {
    id: 'debt_collection',
    label: '暴力催收',
    businessLine: 'credit_card',
    cause: 'collection',
    negative: [
      '{B}|信用卡|逾期|三天|，|催收|电话|打|到|我|单位|和|家人|那里|，|言语|威胁|。',
      '{B}|委托|的|催收|公司|每天|打|{N}|个|电话|，|还|发|短信|骚扰|通讯录|。',
    ],
    details: ['已经|和|银行|协商|分期|了|，|催收|还|在|继续|骚扰|。', '录音|都|留|着|，|准备|向|监管|部门|投诉|。'],
  },
  {
    id: 'system_failure',
    label: '系统故障',
    businessLine: 'digital',
    cause: 'system_failure',
    negative: [
      '{B}|手机|银行|又|崩|了|，|转账|一直|显示|系统|繁忙|，|工资|都|取|不|出来|。',
      '{B}|App|登录|不|上|，|转账|失败|钱|却|扣|了|，|客服|电话|打|不|通|。',
    ],
    details: ['这|已经|是|这个|月|第|{N}|次|了|，|系统|能|不|能|靠谱|点|。', '急着|付|房租|，|只能|跑|网点|排队|。'],
  },
  {
    id: 'fraud',
    label: '盗刷诈骗',
    businessLine: 'credit_card',
    cause: 'fraud',
    negative: [
      '半夜|收到|{B}|短信|，|信用卡|在|境外|被|盗刷|{N}|元|，|卡|一直|在|我|身上|。',
      '{B}|借记卡|被|盗刷|{N}|元|，|银行|说|是|本人|操作|不|予|赔付|。',
    ],
    details: ['已经|报警|，|银行|让|等|调查|结果|，|一个|月|没|消息|。', '申请|了|争议|交易|，|客服|说|要|三十|个|工作日|。'],
  },
];

export const NEUTRAL = [
  '{B}|发布|{N}|年|三季度|业绩|，|营业|收入|同比|增长|，|不良|贷款率|保持|稳定|。',
  '{B}|{S}|调整|营业|时间|，|周末|网点|照常|营业|，|提醒|客户|合理|安排|。',
  '{B}|信用卡|中心|推出|新|一期|积分|兑换|活动|，|持卡人|可|在|App|参与|。',
  '{B}|下调|部分|定期|存款|利率|，|三年|期|利率|调整|为|百分之|二|。',
  '记者|从|{B}|获悉|，|该行|将|开展|养老|金融|服务|进|社区|活动|。',
];

export const POSITIVE = [
  '{B}|{S}|的|大堂|经理|特别|耐心|，|帮|我|母亲|办|完|了|社保卡|激活|，|点赞|。',
  '{B}|客服|响应|很|快|，|盗刷|的|{N}|元|三天|就|退回|来|了|，|满意|。',
  '{B}|手机|银行|新|版本|好用|多|了|，|转账|秒|到账|，|界面|也|清爽|。',
  '感谢|{B}|{S}|柜员|，|及时|识破|电信|诈骗|，|帮|老人|保住|了|养老钱|。',
];

export const CLOSERS_NEGATIVE = ['希望|{B}|给|个|说法|！', '已|在|黑猫|投诉|，|等|回复|。', '大家|办卡|一定|要|小心|。', '@{B}|请|尽快|处理|！'];
export const CLOSERS_OTHER = ['供|大家|参考|。', '值得|关注|。', '以上|信息|来自|官方|公告|。'];

export const BRANCHES = ['深圳分行', '北京分行', '上海分行', '广州天河支行', '杭州西湖支行', '成都分行', '武汉分行', '南京新街口支行', '西安分行', '郑州分行'];

export const MEDIA_OUTLETS = [
  '人民网财经',
  '中新网财经',
  '新浪财经',
  '第一财经',
  '21世纪经济报道',
  '财联社',
  '每日经济新闻',
  '经济观察报',
  '证券时报',
  '中国经营报',
];

export const STOP = new Set(['的', '了', '我', '在', '是', '就', '都', '也', '还', '给', '把', '被', '要', '说', '一', '个', '和', '与', '却']);
export const PUNCT = /^[，。！？、：；@#\s]+$/;

export function isToken(w: string): boolean {
  return w.length > 0 && !STOP.has(w) && !PUNCT.test(w);
}
