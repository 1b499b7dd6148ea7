import type { ButtonHTMLAttributes } from 'react'
import s from './ui.module.css'

type Variant = 'default' | 'primary' | 'danger'

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: Variant
  small?: boolean
}

export function buttonClass(variant: Variant = 'default', small = false): string {
  return [s.button, variant === 'default' ? '' : s[variant], small ? s.small : '']
    .filter(Boolean)
    .join(' ')
}

export function Button({
  variant = 'default',
  small = false,
  className,
  type = 'button',
  ...rest
}: ButtonProps) {
  return (
    <button
      type={type}
      className={[buttonClass(variant, small), className].filter(Boolean).join(' ')}
      {...rest}
    />
  )
}
