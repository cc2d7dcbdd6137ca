/* names.h — word lists for the synthetic sample's invented names.
 *
 * Every enterprise, person and village name made from these is fictional.
 * Some use characters outside GB2312 (堃, 喆, 昇, 玥) on purpose: real GBK
 * files carry them and the loader must decode them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

static const char *const firm_heads[] = {
  "堃程", "喆睿", "昇达", "恒钧", "瑞森", "宏岳", "泓锦", "嘉岑", "申茂", "浦宸",
  "奥铭", "德沛", "晟祥", "汇澄", "骏业", "凯旋", "立信", "铭锐", "诺亚", "启衡",
  "荣岳", "盛驰", "拓维", "万钧", "鑫港", "耀华", "毅成", "卓立", "中昊", "玥川",
};

static const char *const firm_trades[] = {
  "精密机械", "化工", "金属制品", "塑料制品", "印染", "电镀", "铸造", "包装材料",
  "建材", "五金", "纺织", "橡胶制品", "电线电缆", "涂料", "家具", "食品",
};

static const char *const tech_trades[] = {
  "智能装备", "机器人", "智能传感", "新能源汽车部件", "智能硬件", "自动驾驶",
  "工业视觉", "智能制造",
};

static const char *const surnames[] = {
  "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
  "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "沈",
};

static const char *const given_names[] = {
  "建国", "志强", "晓燕", "海峰", "丽华", "文斌", "喆", "雪梅", "国庆", "佳怡",
  "俊杰", "秀英", "明", "静", "伟", "磊", "婷", "昇", "子涵", "玉兰",
};

static const char *const villages[] = {
  "同福", "永兴", "新华", "兴旺", "和平", "光明", "长丰", "东升", "民乐", "联合",
};

static const char *const reasons[] = {
  "高能耗", "高污染", "高风险", "低产出",
};

static const char *const industries[] = {
  "智能运载系统", "智能机器人", "智能感知系统", "智能新硬件系统",
};

static const char *const project_kinds[] = {
  "研发制造基地", "产业园", "创新中心", "智造工厂", "总部及研发楼",
};
