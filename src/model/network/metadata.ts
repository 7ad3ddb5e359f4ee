/**
 * Foreign XML kept verbatim (`<metadata>`). Structurally the same as codec/xml/dom's XmlElement (the model may
 * not import the codec layer), so parsed elements are assignable to it directly.
 * @module
 */

export interface ForeignXmlElement {
  readonly type: 'element'
  readonly name: string
  readonly attrs: ReadonlyArray<readonly [string, string]>
  readonly children: readonly ForeignXmlNode[]
  readonly line: number
}

export interface ForeignXmlText {
  readonly type: 'text'
  readonly text: string
}

export interface ForeignXmlComment {
  readonly type: 'comment'
  readonly text: string
}

export type ForeignXmlNode = ForeignXmlElement | ForeignXmlText | ForeignXmlComment
