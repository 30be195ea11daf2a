/** Rows of container images (name + digest) that can be added and removed. */
import type { Image } from '../types.ts';
import { btn } from './Button.tsx';
import { FieldError, fieldStyles } from './Field.tsx';
import styles from './ImagesEditor.module.css';

interface Props {
  images: Image[];
  onChange: (images: Image[]) => void;
  errors: Record<string, string>;
}

export function ImagesEditor({ images, onChange, errors }: Props) {
  const set = (i: number, patch: Partial<Image>) => onChange(images.map((img, j) => (j === i ? { ...img, ...patch } : img)));
  return (
    <fieldset>
      <legend className={fieldStyles.groupLegend}>Images</legend>
      {images.length === 0 && <p className="muted small">No images. The chart’s defaults are used.</p>}
      {images.map((img, i) => {
        const nameError = errors[`artifactManifest.images[${i}].name`];
        const digestError = errors[`artifactManifest.images[${i}].digest`];
        return (
          <div className={styles.row} key={i}>
            <div className={fieldStyles.field}>
              <label htmlFor={`image-${i}-name`}>Image {i + 1} name</label>
              <input
                id={`image-${i}-name`}
                type="text"
                className="mono"
                placeholder="registry.example.com/service"
                value={img.name}
                onChange={(e) => set(i, { name: e.target.value })}
                aria-invalid={nameError ? true : undefined}
              />
              {nameError && <FieldError>{nameError}</FieldError>}
            </div>
            <div className={fieldStyles.field}>
              <label htmlFor={`image-${i}-digest`}>Image {i + 1} digest</label>
              <input
                id={`image-${i}-digest`}
                type="text"
                className="mono"
                placeholder="sha256:…"
                value={img.digest ?? ''}
                onChange={(e) => set(i, { digest: e.target.value })}
                aria-invalid={digestError ? true : undefined}
              />
              {digestError && <FieldError>{digestError}</FieldError>}
            </div>
            <button type="button" className={`${btn('ghost', 'small')} ${styles.remove}`} onClick={() => onChange(images.filter((_, j) => j !== i))}>
              Remove image {i + 1}
            </button>
          </div>
        );
      })}
      <button type="button" className={btn('small')} onClick={() => onChange([...images, { name: '', digest: '' }])}>
        Add image
      </button>
    </fieldset>
  );
}
