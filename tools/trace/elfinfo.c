/* SPDX-License-Identifier: MIT */
/*
 * Reading ELF files for scopes-trace (see elfinfo.h).
 */
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elfinfo.h"

#if defined(__x86_64__)
#define NATIVE_MACHINE EM_X86_64
#elif defined(__aarch64__)
#define NATIVE_MACHINE EM_AARCH64
#endif

#define CACHE_MAX 128

static struct elf_file *cache[CACHE_MAX];
static size_t ncache;

static int in_file(const struct elf_file *ef, uint64_t off, uint64_t len)
{
	return off <= ef->size && len <= ef->size - off;
}

static const Elf64_Ehdr *ehdr(const struct elf_file *ef)
{
	return (const Elf64_Ehdr *)ef->map;
}

static const Elf64_Phdr *phdr(const struct elf_file *ef, unsigned i)
{
	const Elf64_Ehdr *e = ehdr(ef);
	uint64_t off = e->e_phoff + (uint64_t)i * sizeof(Elf64_Phdr);
	if (e->e_phentsize != sizeof(Elf64_Phdr) || !in_file(ef, off, sizeof(Elf64_Phdr)))
		return NULL;
	return (const Elf64_Phdr *)(ef->map + off);
}

static const Elf64_Shdr *shdr(const struct elf_file *ef, unsigned i)
{
	const Elf64_Ehdr *e = ehdr(ef);
	uint64_t off = e->e_shoff + (uint64_t)i * sizeof(Elf64_Shdr);
	if (i >= e->e_shnum || e->e_shentsize != sizeof(Elf64_Shdr) ||
	    !in_file(ef, off, sizeof(Elf64_Shdr)))
		return NULL;
	return (const Elf64_Shdr *)(ef->map + off);
}

static int sym_cmp(const void *a, const void *b)
{
	const struct elf_sym *x = a, *y = b;
	return x->value < y->value ? -1 : x->value > y->value;
}

/* Functions from one symbol table section. */
static void load_symtab(struct elf_file *ef, const Elf64_Shdr *sh)
{
	const Elf64_Shdr *str = shdr(ef, sh->sh_link);
	if (!str || sh->sh_entsize != sizeof(Elf64_Sym) || !in_file(ef, sh->sh_offset, sh->sh_size) ||
	    !in_file(ef, str->sh_offset, str->sh_size) || str->sh_size == 0)
		return;
	size_t n = sh->sh_size / sizeof(Elf64_Sym);
	struct elf_sym *syms = realloc(ef->syms, (ef->nsyms + n) * sizeof(*syms));
	if (!syms)
		return;
	ef->syms = syms;
	const Elf64_Sym *s = (const Elf64_Sym *)(ef->map + sh->sh_offset);
	const char *strtab = (const char *)ef->map + str->sh_offset;
	for (size_t i = 0; i < n; i++) {
		unsigned t = ELF64_ST_TYPE(s[i].st_info);
		if ((t != STT_FUNC && t != STT_GNU_IFUNC) || s[i].st_value == 0 ||
		    s[i].st_name >= str->sh_size)
			continue;
		const char *name = strtab + s[i].st_name;
		/* the name must end inside the string table */
		if (!memchr(name, '\0', str->sh_size - s[i].st_name) || !*name)
			continue;
		ef->syms[ef->nsyms++] = (struct elf_sym){ s[i].st_value, s[i].st_size, name };
	}
}

static void load_symbols(struct elf_file *ef)
{
	const Elf64_Ehdr *e = ehdr(ef);
	const Elf64_Shdr *sym = NULL, *dyn = NULL;
	for (unsigned i = 0; i < e->e_shnum; i++) {
		const Elf64_Shdr *sh = shdr(ef, i);
		if (!sh)
			break;
		if (sh->sh_type == SHT_SYMTAB)
			sym = sh;
		else if (sh->sh_type == SHT_DYNSYM)
			dyn = sh;
	}
	if (sym)
		load_symtab(ef, sym);
	if (dyn)
		load_symtab(ef, dyn);
	if (ef->nsyms)
		qsort(ef->syms, ef->nsyms, sizeof(*ef->syms), sym_cmp);
}

static void parse(struct elf_file *ef)
{
	const Elf64_Ehdr *e = ehdr(ef);
	if (ef->size < sizeof(*e) || memcmp(e->e_ident, ELFMAG, SELFMAG) != 0 ||
	    e->e_ident[EI_CLASS] != ELFCLASS64 || e->e_machine != NATIVE_MACHINE ||
	    (e->e_type != ET_EXEC && e->e_type != ET_DYN))
		return;
	ef->type = e->e_type;
	ef->min_vaddr = UINT64_MAX;
	for (unsigned i = 0; i < e->e_phnum; i++) {
		const Elf64_Phdr *p = phdr(ef, i);
		if (!p)
			break;
		if (p->p_type == PT_LOAD && p->p_vaddr < ef->min_vaddr)
			ef->min_vaddr = p->p_vaddr & ~(uint64_t)0xfff;
		if (p->p_type == PT_LOAD && p->p_vaddr + p->p_memsz > ef->max_vaddr)
			ef->max_vaddr = p->p_vaddr + p->p_memsz;
		if (p->p_type == PT_INTERP && p->p_filesz > 1 && in_file(ef, p->p_offset, p->p_filesz) &&
		    ef->map[p->p_offset + p->p_filesz - 1] == '\0')
			ef->interp = (const char *)ef->map + p->p_offset;
	}
	if (ef->min_vaddr == UINT64_MAX)
		ef->min_vaddr = 0;
	load_symbols(ef);
}

struct elf_file *elf_get(const char *path)
{
	if (!path || path[0] != '/')
		return NULL;
	for (size_t i = 0; i < ncache; i++)
		if (strcmp(cache[i]->path, path) == 0)
			return cache[i]->type ? cache[i] : NULL;
	if (ncache == CACHE_MAX)
		return NULL;
	struct elf_file *ef = calloc(1, sizeof(*ef));
	if (!ef)
		return NULL;
	ef->path = strdup(path);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (ef->path && fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size >= (off_t)sizeof(Elf64_Ehdr)) {
		void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m != MAP_FAILED) {
			ef->map = m;
			ef->size = (size_t)st.st_size;
			parse(ef);
		}
	}
	if (fd >= 0)
		close(fd);
	if (!ef->path) {
		free(ef);
		return NULL;
	}
	cache[ncache++] = ef; /* failures are cached too: asked again, same answer */
	return ef->type ? ef : NULL;
}

void elf_cache_clear(void)
{
	for (size_t i = 0; i < ncache; i++) {
		struct elf_file *ef = cache[i];
		if (ef->map)
			munmap((void *)ef->map, ef->size);
		free(ef->syms);
		free(ef->sites);
		free(ef->path);
		free(ef);
	}
	ncache = 0;
}

uint64_t elf_offset_to_vaddr(const struct elf_file *ef, uint64_t off)
{
	const Elf64_Ehdr *e = ehdr(ef);
	for (unsigned i = 0; i < e->e_phnum; i++) {
		const Elf64_Phdr *p = phdr(ef, i);
		if (!p)
			break;
		if (p->p_type == PT_LOAD && off >= p->p_offset && off - p->p_offset < p->p_memsz)
			return p->p_vaddr + (off - p->p_offset);
	}
	return 0;
}

const char *elf_symbol(const struct elf_file *ef, uint64_t vaddr, uint64_t *off)
{
	size_t lo = 0, hi = ef->nsyms;
	while (lo < hi) { /* first symbol above vaddr */
		size_t mid = (lo + hi) / 2;
		if (ef->syms[mid].value <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	const struct elf_sym *s = &ef->syms[lo - 1];
	/* a sized symbol must contain the address; an unsized one is a guess
	 * only up to 64 KiB */
	if ((s->size && vaddr - s->value >= s->size) || (!s->size && vaddr - s->value > 0x10000))
		return NULL;
	if (off)
		*off = vaddr - s->value;
	return s->name;
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void find_sites(struct elf_file *ef)
{
	const Elf64_Ehdr *e = ehdr(ef);
	size_t cap = 0;

	ef->sites_done = 1;
	for (unsigned i = 0; i < e->e_phnum; i++) {
		const Elf64_Phdr *p = phdr(ef, i);
		if (!p)
			break;
		if (p->p_type != PT_LOAD || !(p->p_flags & PF_X) || !in_file(ef, p->p_offset, p->p_filesz))
			continue;
		const unsigned char *t = ef->map + p->p_offset;
#if defined(__x86_64__)
		/* syscall = 0f 05; the record's ip is the byte after it. Bytes
		 * inside other instructions match too: a superset, which only
		 * makes a false match possible, and a match also needs the
		 * right page offset (see log backend). */
		const size_t step = 1, len = 2;
#define IS_SITE(q) ((q)[0] == 0x0f && (q)[1] == 0x05)
#else
		/* svc #0 = d4000001, little-endian, 4-byte aligned */
		const size_t step = 4, len = 4;
#define IS_SITE(q) ((q)[0] == 0x01 && (q)[1] == 0x00 && (q)[2] == 0x00 && (q)[3] == 0xd4)
#endif
		for (size_t k = 0; k + len <= p->p_filesz; k += step) {
			if (!IS_SITE(t + k))
				continue;
			if (ef->nsites == cap) {
				size_t ncap = cap ? cap * 2 : 64;
				uint64_t *ns = realloc(ef->sites, ncap * sizeof(*ns));
				if (!ns)
					return;
				ef->sites = ns;
				cap = ncap;
			}
			ef->sites[ef->nsites++] = p->p_vaddr + k + len;
		}
#undef IS_SITE
	}
	qsort(ef->sites, ef->nsites, sizeof(*ef->sites), u64_cmp);
}

size_t elf_sites(struct elf_file *ef, const uint64_t **sites)
{
	if (!ef->sites_done)
		find_sites(ef);
	*sites = ef->sites;
	return ef->nsites;
}

int elf_is_site(struct elf_file *ef, uint64_t vaddr)
{
	const uint64_t *s;
	size_t n = elf_sites(ef, &s);
	return bsearch(&vaddr, s, n, sizeof(*s), u64_cmp) != NULL;
}

int elf_is_glibc_loader(const char *path)
{
	const char *b = path ? strrchr(path, '/') : NULL;
	b = b ? b + 1 : path;
	return b && (strncmp(b, "ld-linux", 8) == 0 || strncmp(b, "ld64.so", 7) == 0);
}
