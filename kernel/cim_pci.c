// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (c) 2026 The CIM stack authors */
/*
 * PCI glue for the M.2 card: BAR0 registers, MSI-X/MSI/INTx, and the
 * firmware download.  Everything else is shared with the platform path.
 */
#include <linux/crc32.h>
#include <linux/dma-mapping.h>
#include <linux/firmware.h>
#include <linux/pci.h>
#include <linux/regmap.h>

#include "cim_drv.h"
#include "cim_bus.h"

#define CIM_FW_NAME	"cim/cim-fw.bin"

static int cim_pci_check_fw(struct device *dev, const struct firmware *fw)
{
	const struct cim_fw_file_header *h = (const void *)fw->data;

	if (fw->size < sizeof(*h) || h->magic != CIM_FW_FILE_MAGIC) {
		dev_err(dev, "%s: not a CIM firmware file\n", CIM_FW_NAME);
		return -EINVAL;
	}
	if (h->if_version >> 16 != CIM_IF_VERSION_MAJOR) {
		dev_err(dev, "%s speaks interface %u, driver %u: install matching firmware\n",
			CIM_FW_NAME, h->if_version >> 16, CIM_IF_VERSION_MAJOR);
		return -EPROTO;
	}
	if (h->size != fw->size - sizeof(*h) ||
	    ~crc32_le(~0u, fw->data + sizeof(*h), h->size) != h->crc32) {
		dev_err(dev, "%s: truncated or corrupt\n", CIM_FW_NAME);
		return -EBADMSG;
	}
	return 0;
}

/* Hand the MCU image to the card, which DMA-reads it and boots it. */
int cim_pci_boot_fw(struct pci_dev *pdev, struct regmap *regs)
{
	const struct cim_fw_file_header *h;
	const struct firmware *fw;
	dma_addr_t dma;
	void *buf;
	u32 status;
	int ret;

	ret = request_firmware(&fw, CIM_FW_NAME, &pdev->dev);
	if (ret)
		return ret;
	ret = cim_pci_check_fw(&pdev->dev, fw);
	if (ret)
		goto release;
	h = (const void *)fw->data;
	buf = dma_alloc_coherent(&pdev->dev, h->size, &dma, GFP_KERNEL);
	if (!buf) {
		ret = -ENOMEM;
		goto release;
	}
	memcpy(buf, fw->data + sizeof(*h), h->size);
	regmap_write(regs, CIM_REG_FW_ADDR_LO, lower_32_bits(dma));
	regmap_write(regs, CIM_REG_FW_ADDR_HI, upper_32_bits(dma));
	regmap_write(regs, CIM_REG_FW_SIZE, h->size);
	regmap_write(regs, CIM_REG_FW_BOOT, CIM_FW_BOOT_MAGIC);
	ret = regmap_read_poll_timeout(regs, CIM_REG_STATUS, status,
				       status & (CIM_STATUS_BOOTING |
						 CIM_STATUS_ERROR),
				       1000, CIM_BOOT_TIMEOUT_MS * 1000);
	if (!ret && (status & CIM_STATUS_ERROR))
		ret = -EIO;
	if (ret)
		dev_err(&pdev->dev, "card firmware did not boot (%d)\n", ret);
	dma_free_coherent(&pdev->dev, h->size, buf, dma);
release:
	release_firmware(fw);
	return ret;
}

static int cim_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct regmap *regs;
	void __iomem *base;
	int ret;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	base = pcim_iomap_region(pdev, 0, CIM_DRIVER_NAME);
	if (IS_ERR(base))
		return PTR_ERR(base);
	regs = devm_regmap_init_mmio(&pdev->dev, base, &cim_regmap_config);
	if (IS_ERR(regs))
		return PTR_ERR(regs);
	pci_set_master(pdev);
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		return ret;
	ret = cim_pci_boot_fw(pdev, regs);
	if (ret)
		return ret;
	ret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_ALL_TYPES);
	if (ret < 0)
		return ret;
	return cim_device_probe(&pdev->dev, regs, pci_irq_vector(pdev, 0));
}

static void cim_pci_remove(struct pci_dev *pdev)
{
	cim_device_remove(&pdev->dev);
}

static const struct pci_device_id cim_pci_ids[] = {
	{ PCI_DEVICE(CIM_PCI_VENDOR_ID, CIM_PCI_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, cim_pci_ids);
MODULE_FIRMWARE(CIM_FW_NAME);

struct pci_driver cim_pci_driver = {
	.name = CIM_DRIVER_NAME,
	.id_table = cim_pci_ids,
	.probe = cim_pci_probe,
	.remove = cim_pci_remove,
	.driver.pm = pm_ptr(&cim_pm_ops),
};
