/**
 * Bank-complaint vocabulary written for this project (no third-party licence). Negative: what customers
 * say when something went wrong with a bank; positive: praise of service. Applied on top of the
 * general and finance lexicons.
 */
export const DOMAIN_NEGATIVE = `暴力催收 催收 爆通讯录 骚扰 骚扰电话 恐吓 威胁 辱骂 乱收费 乱扣费 乱扣款 强制扣款 扣费 霸王条款 盗刷 被盗刷 诈骗 骗子 欺诈 套路 套路贷
高利贷 砍头息 误导销售 误导 捆绑销售 强制搭售 搭售 飞单 降额 被降额 信用卡降额 封卡 冻结 被冻结 销户 拒批 秒拒 被拒 拒绝 拒贷 逾期 上征信 征信异常 征信污点 黑名单 投诉 被投诉 投诉无门 维权
不处理 不作为 推诿 踢皮球 敷衍 拖延 不退款 拒绝退款 退款难 不给退 亏损 亏本 亏钱 亏了 破净 爆雷 暴雷 跑路 兑付 挤兑 逾期兑付 立案 报警 起诉 曝光 坑 坑人 太坑 坑爹 垃圾 垃圾银行 恶心 无语 失望 气愤 愤怒 后悔
态度差 态度恶劣 服务差 服务态度差 排队 难打 打不通 没人接 没人管 宕机 闪退 系统故障 崩溃 无法登录 登录不了 转不了 到账慢 吞卡 年费 违约金 滞纳金 罚息 高息 手续费高 费率高 隐形收费 不合理 不合规 违规 违法 欺骗 欺瞒 隐瞒 卸载 再也不 不靠谱 无良 黑心 霸道 离谱 过分`;

export const DOMAIN_POSITIVE = `提额 秒批 下卡 批了 通过了 好评 点赞 感谢 谢谢 满意 贴心 耐心 热情 专业 周到 及时 高效 方便 便捷 优惠 返现 免年费 免息 福利 权益 靠谱 给力 推荐 划算 稳健 放心 安心 赞 棒`;

/** Core negation words (a short, high-precision subset of 否定词.txt). */
export const NEGATIONS = `不 没 没有 未 无 非 别 勿 莫 毋 甭 不是 不能 不会 不要 不用 不必 不曾 不该 不够 并非 并未 从未 从不 从没 尚未 毫无 毫不 决不 绝不 绝非 永不 难以 木有 没能 未能 无法 并不 一点也不 一点都不`;

/**
 * Complaint-intent cues (matched as substrings of the normalized text): the customer asks for redress,
 * names a regulator or says how long and how often they tried.
 */
export const COMPLAINT_CUES = `投诉 维权 举报 曝光 要求退还 要求退款 退还 12378 12363 银保监 监管局 消协 315 打了好几次电话 打了几次电话 多次打电话 打了无数
多次联系 多次沟通 无人处理 没人处理 至今没有 至今未 一直没有 迟迟 石沉大海 讨个说法 给个说法 要个说法 太过分 欺负人 店大欺客 求助 救命 申诉 协商无果
不给处理 到底 凭什么 为什么不 还我 退钱`;

/** Mild complaints and slang of short customer posts (心累, 烦死, 真是服了, 菜卡): substrings of the normalized text. */
export const SLANG_CUES = `心累 烦死 烦人 真是服了 服了 醉了 无语 呵呵 凉凉 凉了 没谁了 特么 tm 尼玛 卧槽 辣鸡 垃圾 菜卡 破卡 打发要饭 打发叫花子 坑不坑 坑爹 太坑
要啥啥没有 什么鬼 搞什么 恶心 吐了 气死 闹心 糟心 折腾 受不了 忍不了 崩溃 绝望 心寒 寒心 失望 后悔 奇葩 离谱 鸡肋 智障 弱智 傻逼 sb 骗人 忽悠 套路
刁难 为难 推销 骚扰 卡住 卡死 卡了 不到账 没到账 没用 白办 白申 拒我 又拒 秒拒 被拒 降我 砍额度 降额 不批 批不下来 没批 还没批 还没下来 没动静 没下文
等了 还在等 太慢 很慢 好慢 慢死 半个月 一个月了 额度低 额度太低 就给 才给 只给 太低 太少`;
