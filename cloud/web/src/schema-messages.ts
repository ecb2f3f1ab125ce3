import type { Language } from '@ruong/shared';

/**
 * The schemas' own messages (refinements and patterns in shared/) in Vietnamese; zod's built-in
 * messages come from its locale. A message not listed here shows as the schema wrote it.
 */
const SCHEMA_MESSAGES_VI: Record<string, string> = {
  'a time of day like 05:30': 'giờ trong ngày, vd 05:30',
  'must be above startBelow': 'phải lớn hơn ngưỡng bắt đầu tưới',
  'is needed when there is no stopAbove': 'cần có khi không đặt ngưỡng dừng',
  'lower-case letters, digits, - and _, at most 64': 'chữ thường, số, - và _, tối đa 64 ký tự',
  'lower-case letters, digits, . - and _, 2 to 64 characters': 'chữ thường, số, . - và _, từ 2 đến 64 ký tự',
  'no such zone': 'không có khu này',
  'does not exist': 'không tồn tại',
};

export function schemaMessage(message: string, lang: Language): string {
  return lang === 'vi' ? (SCHEMA_MESSAGES_VI[message] ?? message) : message;
}
