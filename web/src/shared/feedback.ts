// Element Plus' message and confirm services, imported from their own folders (with their
// styles) so the rest of the library is not pulled into the bundle.

import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'

export { ElMessage } from 'element-plus/es/components/message/index.mjs'
export { ElMessageBox } from 'element-plus/es/components/message-box/index.mjs'
